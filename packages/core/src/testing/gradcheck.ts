import { grad } from "../autograd/engine.js";
import { isFloating } from "../dtype.js";
import { DTypeError, TsgradError, ValueError, fmtShape } from "../errors.js";
import { Generator } from "../random.js";
import { contiguousStrides } from "../shape.js";
import { Tensor } from "../tensor.js";
import { tensorFromData } from "../tensor-factory.js";
import { zeros } from "../creation.js";
import { multiIndex, report, type Mismatch } from "./gradcheck-report.js";

/** Thrown by `gradcheck` / `gradgradcheck` when analytical and numerical gradients disagree. */
export class GradcheckError extends TsgradError {}

/** Options of `gradcheck` and `gradgradcheck` (PyTorch's keywords, in camelCase). */
export interface GradcheckOptions {
  /** Step of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  rtol?: number;
  /** Return `false` instead of throwing a `GradcheckError` on mismatch (default true: throw). */
  raiseException?: boolean;
  /**
   * Compare random projections uᵀJv instead of the full Jacobian. Default: only when
   * (differentiable input elements) × (output elements) exceeds `fastModeThreshold`.
   */
  fastMode?: boolean;
  /** Size above which the random-projection check is used (default 4096). */
  fastModeThreshold?: number;
  /** Number of random directions (u, v) in fast mode (default 4). */
  projections?: number;
  /** Seed of the random directions (and of `gradgradcheck`'s gradOutputs); default 0. */
  seed?: number;
}

/** A function under test: tensors in, one tensor or a list of tensors out. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const asList = (out: Tensor | readonly Tensor[]): readonly Tensor[] =>
  out instanceof Tensor ? [out] : out;

/** Storage offsets of every element of `t`, in row-major order. */
function storageOffsets(t: Tensor): number[] {
  const n = t.numel();
  const cs = contiguousStrides(t.shape);
  const offs = new Array<number>(n);
  for (let p = 0; p < n; p++) {
    let o = t.offset;
    for (let d = 0; d < t.dim(); d++) o += (Math.floor(p / cs[d]!) % t.shape[d]!) * t.strides[d]!;
    offs[p] = o;
  }
  return offs;
}

/** Evaluates `fn` and returns each floating output's values as float64 (`null` for others). */
function evaluate(fn: GradcheckFn, inputs: readonly Tensor[]): (Float64Array | null)[] {
  return asList(fn(...inputs)).map((o) =>
    isFloating(o.dtype) ? Float64Array.from(o.dataSync()) : null,
  );
}

function diffInputsOf(op: string, inputs: readonly Tensor[]): number[] {
  const idx = inputs.flatMap((t, i) => (t.requiresGrad ? [i] : []));
  if (idx.length === 0)
    throw new ValueError(`${op}: expected at least one input tensor that requires grad`);
  for (const i of idx) {
    const t = inputs[i]!;
    if (t.dtype !== "float64") {
      throw new DTypeError(
        `${op}: input ${i} (shape ${fmtShape(t.shape)}) requires grad but is ${t.dtype}; ` +
          "finite differences need float64 inputs (use .double())",
      );
    }
    if (t.numel() > 0 && t.shape.some((s, d) => s > 1 && t.strides[d] === 0)) {
      throw new ValueError(
        `${op}: input ${i} (shape ${fmtShape(t.shape)}, strides ${fmtShape(t.strides)}) has ` +
          "overlapping memory (an expanded view); pass a contiguous copy",
      );
    }
  }
  return idx;
}

/**
 * Central differences (f(x + eps·dir) − f(x − eps·dir)) / 2eps for one perturbation of input
 * `t`'s storage at `offs` (weights `dir`), restoring the storage exactly afterwards.
 */
function centralDiff(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  t: Tensor,
  offs: readonly number[],
  dir: readonly number[],
  eps: number,
): (Float64Array | null)[] {
  const data = t.data;
  const orig = offs.map((o) => data[o]!);
  const shift = (sign: number): (Float64Array | null)[] => {
    offs.forEach((o, k) => (data[o] = orig[k]! + sign * eps * dir[k]!));
    try {
      return evaluate(fn, inputs);
    } finally {
      offs.forEach((o, k) => (data[o] = orig[k]!));
    }
  };
  const plus = shift(1);
  const minus = shift(-1);
  return plus.map((p, j) => {
    const m = minus[j];
    if (!p || !m) return null;
    return p.map((v, e) => (v - m[e]!) / (2 * eps));
  });
}

/** Vector-Jacobian product uᵀ·J for output `j` of `outs`, per differentiable input (float64). */
function vjp(
  outs: readonly Tensor[],
  j: number,
  u: Tensor,
  diff: readonly Tensor[],
): Float64Array[] {
  const out = outs[j]!;
  if (!out.requiresGrad) return diff.map((t) => new Float64Array(t.numel()));
  const gs = grad([out], diff, { gradOutputs: [u], retainGraph: true, allowUnused: true });
  return gs.map((g, i) =>
    g ? Float64Array.from(g.dataSync()) : new Float64Array(diff[i]!.numel()),
  );
}

const close = (a: number, n: number, atol: number, rtol: number): boolean =>
  Math.abs(a - n) <= atol + rtol * Math.abs(n) || (Number.isNaN(a) && Number.isNaN(n));

function fullJacobian(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  diffIdx: readonly number[],
  eps: number,
  ok: (a: number, n: number) => boolean,
): Mismatch[] {
  const bad: Mismatch[] = [];
  // numerical[k][j] = output-j values per perturbed element of differentiable input k
  const numerical = diffIdx.map((i) => {
    const t = inputs[i]!;
    return storageOffsets(t).map((o) => centralDiff(fn, inputs, t, [o], [1], eps));
  });
  const outs = asList(fn(...inputs));
  const diff = diffIdx.map((i) => inputs[i]!);
  outs.forEach((out, j) => {
    if (!isFloating(out.dtype)) return;
    for (let e = 0; e < out.numel(); e++) {
      const seed = zeros(out.shape, { dtype: out.dtype });
      seed.data[e] = 1;
      const rows = vjp(outs, j, seed, diff);
      diffIdx.forEach((i, k) => {
        rows[k]!.forEach((a, p) => {
          const n = numerical[k]![p]![j]![e]!;
          if (ok(a, n)) return;
          const where = `out${multiIndex(e, out.shape)} / in${multiIndex(p, inputs[i]!.shape)}`;
          bad.push({ output: j, input: i, where, numerical: n, analytical: a });
        });
      });
    }
  });
  return bad;
}

function projections(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  diffIdx: readonly number[],
  eps: number,
  count: number,
  gen: Generator,
  ok: (a: number, n: number) => boolean,
): Mismatch[] {
  const bad: Mismatch[] = [];
  const outs = asList(fn(...inputs));
  const diff = diffIdx.map((i) => inputs[i]!);
  for (let r = 0; r < count; r++) {
    const vs = diff.map((t) => Array.from({ length: t.numel() }, () => gen.normal()));
    outs.forEach((out, j) => {
      if (!isFloating(out.dtype)) return;
      const u = Float64Array.from({ length: out.numel() }, () => gen.normal());
      const uT = tensorFromData(u, out.shape, "float64");
      const rows = vjp(outs, j, out.dtype === "float64" ? uT : uT.to(out.dtype), diff);
      diffIdx.forEach((i, k) => {
        const t = inputs[i]!;
        const jv = centralDiff(fn, inputs, t, storageOffsets(t), vs[k]!, eps)[j]!;
        const n = jv.reduce((s, v, e) => s + u[e]! * v, 0);
        const a = rows[k]!.reduce((s, v, p) => s + v * vs[k]![p]!, 0);
        if (!ok(a, n))
          bad.push({ output: j, input: i, where: `uᵀJv #${r}`, numerical: n, analytical: a });
      });
    });
  }
  return bad;
}

function check(
  op: string,
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions,
  note = "",
): boolean {
  const tol = { eps: opts.eps ?? 1e-6, atol: opts.atol ?? 1e-5, rtol: opts.rtol ?? 1e-3 };
  const diffIdx = diffInputsOf(op, inputs);
  const outSize = asList(fn(...inputs))
    .filter((t) => isFloating(t.dtype))
    .reduce((s, t) => s + t.numel(), 0);
  const inSize = diffIdx.reduce((s, i) => s + inputs[i]!.numel(), 0);
  const fast = opts.fastMode ?? inSize * outSize > (opts.fastModeThreshold ?? 4096);
  const ok = (a: number, n: number): boolean => close(a, n, tol.atol, tol.rtol);
  const gen = new Generator(opts.seed ?? 0);
  const bad = fast
    ? projections(fn, inputs, diffIdx, tol.eps, opts.projections ?? 4, gen, ok)
    : fullJacobian(fn, inputs, diffIdx, tol.eps, ok);
  if (bad.length === 0) return true;
  if (opts.raiseException === false) return false;
  throw new GradcheckError(report(op, bad, inputs, fast, tol, note));
}

/**
 * Checks the gradients `fn`'s backward computes against float64 central differences, like
 * PyTorch's `torch.autograd.gradcheck`. Inputs that require grad must be float64; other inputs
 * (index tensors, masks) pass through unperturbed. Each input is perturbed in its storage (views
 * and strides respected) and restored exactly. Small problems compare the full Jacobian; large
 * ones compare random projections uᵀJv (see `fastMode`). Non-floating outputs are ignored.
 *
 * Returns `true`, or throws a `GradcheckError` listing the differing entries.
 *
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: "float64" }).requiresGrad_();
 * const w = randn([4, 2], { dtype: "float64" }).requiresGrad_();
 * gradcheck((a, b) => a.matmul(b).tanh(), [x, w]); // true
 * ```
 */
export function gradcheck(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): boolean {
  return check("gradcheck", fn, inputs, options);
}

/**
 * Checks second derivatives, like PyTorch's `torch.autograd.gradgradcheck`: runs `gradcheck` on
 * `(inputs..., gradOutputs...) ↦ grad(fn(inputs), inputs, { gradOutputs, createGraph: true })`.
 * `gradOutputs` (one per floating output of `fn`) default to seeded random float64 tensors that
 * require grad.
 *
 * @example
 * ```ts
 * const x = randn([5], { dtype: "float64" }).requiresGrad_();
 * gradgradcheck((a) => a.sin().mul(a), [x]); // true
 * ```
 */
export function gradgradcheck(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  gradOutputs?: readonly Tensor[],
  options: GradcheckOptions = {},
): boolean {
  const diffIdx = diffInputsOf("gradgradcheck", inputs);
  const outs = asList(fn(...inputs)).filter((t) => isFloating(t.dtype));
  const gen = new Generator((options.seed ?? 0) + 1);
  const gos =
    gradOutputs ??
    outs.map((t) => {
      const d = Float64Array.from({ length: t.numel() }, () => gen.normal());
      return tensorFromData(d, t.shape, "float64").requiresGrad_();
    });
  if (gos.length !== outs.length) {
    throw new ValueError(
      `gradgradcheck: got ${gos.length} gradOutputs for ${outs.length} floating outputs of fn`,
    );
  }
  const n = inputs.length;
  const firstOrder = (...all: Tensor[]): Tensor[] => {
    const ins = all.slice(0, n);
    const gs = all.slice(n);
    const diff = diffIdx.map((i) => ins[i]!);
    const fo = asList(fn(...ins)).filter((t) => isFloating(t.dtype));
    const used = fo.flatMap((t, j) => (t.requiresGrad ? [j] : []));
    const res =
      used.length === 0
        ? diff.map(() => null)
        : grad(
            used.map((j) => fo[j]!),
            diff,
            { gradOutputs: used.map((j) => gs[j]!), createGraph: true, allowUnused: true },
          );
    return res.map((g, k) => g ?? zeros(diff[k]!.shape, { dtype: "float64" }));
  };
  const note = `; inputs ${n}.. are the gradOutputs`;
  return check("gradgradcheck", firstOrder, [...inputs, ...gos], options, note);
}
