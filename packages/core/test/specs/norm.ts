/**
 * Batch norm: training (batch statistics, with or without running statistics) and eval (running
 * statistics), on [N, C], [N, C, L] and [N, C, H, W] inputs, with and without weight and bias,
 * plus the in-place running-statistics update, against naive float64 loops. Input values are
 * distinct, so no channel has a near-zero variance.
 */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { OpCase, OpSpec } from "../op-specs.js";
import { rt, type RefTensor } from "../reference.js";
import { caseOf, defineSpec, distinctArg, floatArg, values } from "../spec-kit.js";

/** Parameters of a batch-norm case; args are [x, runningMean, runningVar, weight?, bias?]. */
interface Bn {
  training: boolean;
  running: boolean;
  weight: boolean;
  bias: boolean;
  momentum: number;
  eps: number;
}

const small = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi });

/** Input shapes [N, C, ...] with at most 48 elements and at least 2 values per channel. */
const bnShapes = fc
  .record({
    N: small(1, 4),
    C: small(1, 3),
    rest: fc.oneof(
      fc.constant<number[]>([]),
      small(1, 3).map((l) => [l]),
      fc.tuple(small(1, 3), small(1, 3)).map((hw) => [...hw]),
    ),
  })
  .map((r) => [r.N, r.C, ...r.rest])
  .filter((s) => s.reduce((a, b) => a * b, 1) <= 48 && s[0]! * (s[2] ?? 1) * (s[3] ?? 1) >= 2);

function bnCases(training: fc.Arbitrary<boolean>): fc.Arbitrary<OpCase<Bn>> {
  return fc
    .tuple(
      bnShapes,
      fc.record({
        training,
        running: fc.boolean(),
        weight: fc.boolean(),
        bias: fc.boolean(),
        momentum: fc.constantFrom(0.1, 0.3),
        eps: fc.constantFrom(1e-5, 1e-3),
      }),
    )
    .map(([shape, p]) => ({ shape, p: { ...p, running: p.running || !p.training } }))
    .chain(({ shape, p }) => {
      const c = [shape[1]!];
      return caseOf(
        [
          distinctArg(shape, { layouts: true }),
          floatArg(c, { vals: values(-0.5, 0.5), grad: false }),
          floatArg(c, { vals: values(0.5, 2), grad: false }),
          ...(p.weight
            ? [floatArg(c, { vals: values(-2, 2, { awayFrom: [0], margin: 0.3 }) })]
            : []),
          ...(p.bias ? [floatArg(c)] : []),
        ],
        fc.constant(p),
      );
    });
}

/** Runs batchNorm on clones of the running statistics; returns [y, runningMean, runningVar]. */
function run(xs: Tensor[], p: Bn): [Tensor, Tensor | null, Tensor | null] {
  const [x, rm0, rv0] = xs as [Tensor, Tensor, Tensor];
  const rm = p.running ? rm0.clone() : null;
  const rv = p.running ? rv0.clone() : null;
  const w = p.weight ? xs[3]! : null;
  const b = p.bias ? xs[p.weight ? 4 : 3]! : null;
  const opts = { training: p.training, momentum: p.momentum, eps: p.eps };
  return [T.batchNorm(x, rm, rv, w, b, opts), rm, rv];
}

/** Per-channel values of x [N, C, ...] (row-major positions grouped by channel). */
function channels(x: RefTensor): number[][] {
  const [N, C] = x.shape as [number, number];
  const L = x.data.length / (N * C);
  const out: number[][] = Array.from({ length: C }, () => []);
  x.data.forEach((v, i) => out[Math.floor(i / L) % C]!.push(v));
  return out;
}

/** Batch norm and the updated running statistics, straight from the definition. */
function bnRef(xs: RefTensor[], p: Bn): { y: RefTensor; rm: number[]; rv: number[] } {
  const [x, rm, rv] = xs as [RefTensor, RefTensor, RefTensor];
  const [N, C] = x.shape as [number, number];
  const L = x.data.length / (N * C);
  const w = p.weight ? xs[3]!.data : new Array<number>(C).fill(1);
  const b = p.bias ? xs[p.weight ? 4 : 3]!.data : new Array<number>(C).fill(0);
  const per = channels(x);
  const mean = per.map((v) => v.reduce((a, c) => a + c, 0) / v.length);
  const varOf = (c: number, div: number): number =>
    per[c]!.reduce((a, v) => a + (v - mean[c]!) ** 2, 0) / div;
  const mu = p.training ? mean : rm.data;
  const sigma2 = p.training ? mean.map((_, c) => varOf(c, N * L)) : rv.data;
  const y = x.data.map((v, i) => {
    const c = Math.floor(i / L) % C;
    return ((v - mu[c]!) / Math.sqrt(sigma2[c]! + p.eps)) * w[c]! + b[c]!;
  });
  const m = p.momentum;
  const upd = (r: number[], s: (c: number) => number): number[] =>
    r.map((v, c) => (p.training ? (1 - m) * v + m * s(c) : v));
  return {
    y: rt([...x.shape], y),
    rm: upd(rm.data, (c) => mean[c]!),
    rv: upd(rv.data, (c) => varOf(c, N * L - 1)),
  };
}

/** Batch-norm specs. */
export const NORM_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "batchNorm (training: batch statistics; [N, C], [N, C, L], [N, C, H, W])",
    cases: bnCases(fc.constant(true)),
    fn: (xs, p) => run(xs, p)[0],
    ref: (xs, p) => bnRef(xs, p).y,
  }),
  defineSpec({
    name: "batchNorm (eval: running statistics)",
    cases: bnCases(fc.constant(false)),
    fn: (xs, p) => run(xs, p)[0],
    ref: (xs, p) => bnRef(xs, p).y,
  }),
  defineSpec({
    name: "batchNorm (running statistics after the call: momentum update, unbiased variance)",
    cases: bnCases(fc.boolean()).filter((c) => c.params.running),
    differentiable: false,
    fn: (xs, p) => {
      const [, rm, rv] = run(xs, p);
      return [rm!, rv!];
    },
    ref: (xs, p) => {
      const r = bnRef(xs, p);
      return [rt([r.rm.length], r.rm), rt([r.rv.length], r.rv)];
    },
  }),
];
