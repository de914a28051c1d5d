/** Activations: leakyRelu, elu, gelu (exact and tanh), silu, softplus, softmax, logSoftmax, dropout (eval and p = 1). */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { erfRef, map, ravel, rt, unravel, type RefTensor } from "../reference.js";
import { caseOf, defineSpec, dimOf, floatArg, shapes, unaryCase, values } from "../spec-kit.js";

const sigmoidRef = (v: number): number => 1 / (1 + Math.exp(-v));
/** log(1 + eᵛ) by its series for v < −30 (where 1 + eᵛ rounds to 1), else directly. */
const softplusRef = (v: number): number =>
  v < -30 ? Math.exp(v) : v > 30 ? v + Math.exp(-v) : Math.log(1 + Math.exp(v));

/** Applies `f` to every 1-D row of `x` along `dim` (rows are in index order). */
export function alongDim(x: RefTensor, dim: number, f: (row: number[]) => number[]): RefTensor {
  const nd = x.shape.length;
  const d = dim < 0 ? dim + nd : dim;
  const rows = new Map<number, number[]>();
  for (let p = 0; p < x.data.length; p++) {
    const idx = unravel(p, x.shape);
    idx[d] = 0;
    const key = ravel(idx, x.shape);
    rows.set(key, [...(rows.get(key) ?? []), p]);
  }
  const out = new Array<number>(x.data.length);
  for (const ps of rows.values()) {
    const res = f(ps.map((p) => x.data[p]!));
    ps.forEach((p, k) => (out[p] = res[k]!));
  }
  return rt([...x.shape], out);
}

/** Naive log-softmax of one row: v − log Σ e^(v − max) − max. */
export function logSoftmaxRow(row: readonly number[]): number[] {
  const m = Math.max(...row);
  let s = 0;
  for (const v of row) s += Math.exp(v - m);
  return row.map((v) => v - m - Math.log(s));
}

const offKink = values(-3, 3, { awayFrom: [0] });

/** A float arg of ≥ 1 dim with a dim to work along. */
const dimCase = shapes({ minDims: 1 }).chain((s) =>
  caseOf(
    [floatArg(s, { vals: values(-3, 3), layouts: true })],
    fc.record({ dim: dimOf(s.length) }),
  ),
);

/** Activation specs. */
export const ACTIVATION_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "leakyRelu",
    cases: unaryCase(
      { vals: offKink, layouts: true },
      fc.record({ slope: fc.constantFrom(0.01, 0.2, 1.5) }),
    ),
    fn: ([x], p) => T.leakyRelu(x!, p.slope),
    ref: ([x], p) => map(x!, (v) => (v > 0 ? v : p.slope * v)),
  }),
  defineSpec({
    name: "elu",
    cases: unaryCase(
      { vals: offKink, layouts: true },
      fc.record({ alpha: fc.constantFrom(1, 0.5, 1.7) }),
    ),
    fn: ([x], p) => T.elu(x!, p.alpha),
    ref: ([x], p) => map(x!, (v) => (v > 0 ? v : p.alpha * (Math.exp(v) - 1))),
  }),
  defineSpec({
    name: "gelu (exact)",
    cases: unaryCase({ vals: values(-3, 3), layouts: true }),
    fn: ([x]) => T.gelu(x!),
    ref: ([x]) => map(x!, (v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2))),
  }),
  defineSpec({
    name: "gelu (tanh)",
    cases: unaryCase({ vals: values(-3, 3), layouts: true }),
    fn: ([x]) => T.gelu(x!, { approximate: "tanh" }),
    ref: ([x]) =>
      map(x!, (v) => {
        const u = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
        return 0.5 * v * (1 + Math.tanh(u));
      }),
  }),
  defineSpec({
    name: "silu",
    cases: unaryCase({ vals: values(-4, 4), layouts: true }),
    fn: ([x]) => T.silu(x!),
    ref: ([x]) => map(x!, (v) => v * sigmoidRef(v)),
  }),
  defineSpec({
    name: "softplus",
    // thresholds at βx = threshold, i.e. x ∈ {0.5, 1, 2} for threshold 1: stay off them
    cases: unaryCase(
      { vals: values(-4, 4, { awayFrom: [0.5, 1, 2] }), layouts: true },
      fc.record({ beta: fc.constantFrom(1, 2, 0.5), threshold: fc.constantFrom(20, 1) }),
    ),
    fn: ([x], p) => T.softplus(x!, { beta: p.beta, threshold: p.threshold }),
    ref: ([x], p) =>
      map(x!, (v) => (v * p.beta > p.threshold ? v : softplusRef(v * p.beta) / p.beta)),
  }),
  defineSpec({
    name: "softplus (far tails)",
    cases: unaryCase({ vals: fc.oneof(values(-60, -25), values(25, 60)) }),
    fn: ([x]) => T.softplus(x!, { threshold: 100 }),
    ref: ([x]) => map(x!, softplusRef),
  }),
  defineSpec({
    name: "softmax",
    cases: dimCase,
    fn: ([x], p) => T.softmax(x!, p.dim),
    ref: ([x], p) => alongDim(x!, p.dim, (row) => logSoftmaxRow(row).map(Math.exp)),
  }),
  defineSpec({
    name: "logSoftmax",
    cases: dimCase,
    fn: ([x], p) => T.logSoftmax(x!, p.dim),
    ref: ([x], p) => alongDim(x!, p.dim, logSoftmaxRow),
  }),
  defineSpec({
    name: "logSoftmax (shifted logits ~1e4)",
    cases: shapes({ minDims: 1 }).chain((s) =>
      caseOf(
        [floatArg(s, { vals: values(-3, 3) })],
        fc.record({ dim: dimOf(s.length), shift: fc.constantFrom(1e4, -1e4) }),
      ),
    ),
    fn: ([x], p) => T.logSoftmax(T.add(x!, p.shift), p.dim),
    ref: ([x], p) => alongDim(x!, p.dim, logSoftmaxRow),
    // x + 1e4 rounds to float32's spacing there (≈ 1e-3) before logSoftmax sees it
    tol: { f32: { atol: 1e-3, rtol: 1e-4 }, f32grad: { atol: 1e-3, rtol: 1e-3 } },
  }),
  defineSpec({
    name: "dropout (eval: identity)",
    cases: unaryCase({ vals: values(-3, 3) }, fc.record({ p: fc.constantFrom(0, 0.3, 1) })),
    fn: ([x], p) => T.dropout(x!, p.p, false),
    ref: ([x]) => map(x!, (v) => v),
  }),
  defineSpec({
    name: "dropout (p = 1: zeros)",
    cases: unaryCase({ vals: values(-3, 3) }),
    fn: ([x]) => T.dropout(x!, 1, true),
    ref: ([x]) => map(x!, () => 0),
  }),
];
