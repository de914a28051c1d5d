/**
 * The op registry: one `OpSpec` per op variant, walked by the generated tests
 * (`ops.forward.test.ts`, `ops.gradcheck.test.ts`, `ops.gradgradcheck.test.ts`).
 *
 * ## Adding an op (one entry in one family file)
 *
 * Family files live in `test/specs/<family>.ts` and export `readonly OpSpec[]`; add the array to
 * `OP_SPECS` below. Build each entry with `defineSpec` from `spec-kit.ts`, which infers the type
 * of the case parameters:
 *
 * ```ts
 * defineSpec({
 *   name: "clamp (both bounds)",                 // unique; becomes the test title
 *   cases: unaryCase(values(-2, 2, { awayFrom: [-0.5, 0.5] }), { min: -0.5, max: 0.5 }),
 *   fn: ([x], p) => clamp(x, p.min, p.max),      // tsgrad under test; may return Tensor[]
 *   ref: ([x], p) => map(x, (v) => Math.min(Math.max(v, p.min), p.max)), // reference.ts, loops
 *   // optional: differentiable (default true), gradgrad (default = differentiable),
 *   //           tol: { f64, f32, grad }, runs (default: TSGRAD_FC_RUNS)
 * })
 * ```
 *
 * - `cases` is a fast-check arbitrary of plain data, `{ args: Arg[], params }`, so fast-check can
 *   shrink and print failing cases. Each `Arg` is `{ shape, data, kind?, grad?, layout? }`:
 *   `kind` "float" (default) becomes a float64 tensor that requires grad (float32 in the float32
 *   forward run), "int" an int32 tensor (indices), "bool" a mask; `grad: false` keeps a float
 *   input out of gradcheck; `layout` "transposed" or "strided" makes the input a non-contiguous
 *   view (with an offset for "strided") over a larger storage. `params` carries everything else
 *   (dims, JS-number operands, options); it must be JSON-like.
 * - Keep values away from kinks, ties and poles per op (spec-kit's `values(lo, hi, { awayFrom })`
 *   and `distinct(n)`), shapes small (≤ 64 elements per input; spec-kit's shape arbitraries),
 *   so full-Jacobian gradgradcheck stays fast. Include 0-d and size-1 dims and broadcasting pairs.
 * - `ref` receives the same args as `RefTensor`s (flat row-major `data`, float64; int args hold
 *   indices) and returns a RefTensor per tsgrad output (set `dtype: "int32" | "bool"` for
 *   non-floating outputs). It must not use tsgrad — write loops (helpers in `reference.ts`).
 * - `differentiable: false` (comparisons, argmax) makes the gradcheck tests assert instead that
 *   the outputs do not require grad.
 */
import type fc from "fast-check";
import type { Tensor } from "../src/index.js";
import type { RefTensor } from "./reference.js";
import { ELEMENTWISE_SPECS } from "./specs/elementwise.js";
import { REDUCE_SPECS } from "./specs/reduce.js";
import { MOVEMENT_SPECS } from "./specs/movement.js";
import { INDEXING_SPECS } from "./specs/indexing.js";
import { LINALG_SPECS } from "./specs/linalg.js";
import { CONV_SPECS } from "./specs/conv.js";
import { POOL_SPECS } from "./specs/pool.js";
import { NORM_SPECS } from "./specs/norm.js";
import { ACTIVATION_SPECS } from "./specs/activation.js";
import { LOSS_SPECS } from "./specs/loss.js";

export type { RefTensor } from "./reference.js";

/** One tensor argument of a case, as plain data. */
export interface Arg {
  /** Logical shape. */
  shape: number[];
  /** Row-major values (indices for "int", 0/1 for "bool"). */
  data: number[];
  /** Element kind (default "float"). */
  kind?: "float" | "int" | "bool";
  /** For float args: whether gradcheck differentiates with respect to it (default true). */
  grad?: boolean;
  /** Memory layout of the input tensor (default "contiguous"). */
  layout?: "contiguous" | "transposed" | "strided";
}

/** One generated test case: the tensor arguments and the other parameters. */
export interface OpCase<P> {
  args: Arg[];
  params: P;
}

/** Absolute and relative tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tol {
  atol: number;
  rtol: number;
}

/** A registered op variant (see the file comment for the format). */
export interface OpSpec<P = unknown> {
  /** Unique name, used as the test title. */
  name: string;
  /** Arbitrary of inputs and parameters. */
  cases: fc.Arbitrary<OpCase<P>>;
  /** The tsgrad computation under test (args become tensors in order). */
  fn(xs: Tensor[], p: P): Tensor | readonly Tensor[];
  /** Independent float64 reference, one RefTensor per output of `fn`. */
  ref(xs: RefTensor[], p: P): RefTensor | readonly RefTensor[];
  /** False for ops without gradients (comparisons, argmax); default true. */
  differentiable?: boolean;
  /** Whether to run gradgradcheck (default: `differentiable`). */
  gradgrad?: boolean;
  /**
   * Tolerances (defaults in spec-kit): float64 forward, float32 forward, gradcheck, and `f32grad`:
   * float32 gradients on each backend against the float64 gradients of the JS reference.
   */
  tol?: { f64?: Tol; f32?: Tol; grad?: Tol; f32grad?: Tol };
  /** fast-check runs for this spec (default from TSGRAD_FC_RUNS). */
  runs?: number;
}

/** Every registered op variant, in family order. */
export const OP_SPECS: readonly OpSpec[] = [
  ...ELEMENTWISE_SPECS,
  ...REDUCE_SPECS,
  ...MOVEMENT_SPECS,
  ...INDEXING_SPECS,
  ...LINALG_SPECS,
  ...CONV_SPECS,
  ...POOL_SPECS,
  ...NORM_SPECS,
  ...ACTIVATION_SPECS,
  ...LOSS_SPECS,
];
