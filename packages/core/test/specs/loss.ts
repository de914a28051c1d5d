/** Losses: crossEntropy (class indices and probabilities), nllLoss, mseLoss, l1Loss, binaryCrossEntropy (with logits). */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { Arg, OpSpec } from "../op-specs.js";
import { numel, ravel, rt, unravel, zipWith, type RefTensor } from "../reference.js";
import { caseOf, defineSpec, floatArg, grid, shapes, values } from "../spec-kit.js";
import { alongDim, logSoftmaxRow } from "./activation.js";

type Reduction = "mean" | "sum" | "none";
const reductions = fc.constantFrom<Reduction>("mean", "sum", "none");

/** Sum, mean or identity of per-element losses, with a custom divisor for the mean. */
function reduceRef(
  losses: RefTensor,
  reduction: Reduction,
  divisor = losses.data.length,
): RefTensor {
  if (reduction === "none") return losses;
  const s = losses.data.reduce((a, b) => a + b, 0);
  return rt([], [reduction === "sum" ? s : s / divisor]);
}

interface NllParams {
  reduction: Reduction;
  ignoreIndex: number;
  labelSmoothing: number;
  weighted: boolean;
}

/**
 * PyTorch's cross-entropy (or nll when `logits` is false) with class-index targets, as loops:
 * per target `(1 − ε)·(−w[t]·logp[t]) + (ε/C)·Σ_c −w[c]·logp[c]`, 0 where ignored; the mean
 * divides by Σ w[t] over the targets that are not ignored.
 */
function classLossRef(
  input: RefTensor,
  target: RefTensor,
  weight: RefTensor | undefined,
  p: NllParams,
  logits: boolean,
): RefTensor {
  const cd = input.shape.length === 1 ? 0 : 1;
  const c = input.shape[cd]!;
  const logp = logits ? alongDim(input, cd, logSoftmaxRow) : input;
  const w = (k: number): number => (weight ? weight.data[k]! : 1);
  const at = (q: number[], k: number): number => {
    const idx = [...q];
    idx.splice(cd, 0, k);
    return logp.data[ravel(idx, input.shape)]!;
  };
  let divisor = 0;
  const losses = target.data.map((t, pos) => {
    if (t === p.ignoreIndex) return 0;
    const q = unravel(pos, target.shape);
    divisor += w(t);
    let spread = 0;
    for (let k = 0; k < c; k++) spread -= w(k) * at(q, k);
    const eps = p.labelSmoothing;
    return (1 - eps) * -w(t) * at(q, t) + (eps / c) * spread;
  });
  return reduceRef(rt([...target.shape], losses), p.reduction, divisor);
}

/** Cross-entropy against class probabilities: −Σ_c w[c]·p′[c]·logp[c], p′ = (1 − ε)p + ε/C. */
function probLossRef(
  input: RefTensor,
  target: RefTensor,
  weight: RefTensor | undefined,
  p: NllParams,
): RefTensor {
  const cd = input.shape.length === 1 ? 0 : 1;
  const c = input.shape[cd]!;
  const logp = alongDim(input, cd, logSoftmaxRow);
  const outShape = input.shape.filter((_, i) => i !== cd);
  const losses = new Array<number>(numel(outShape)).fill(0);
  logp.data.forEach((lp, pos) => {
    const idx = unravel(pos, input.shape);
    const k = idx.splice(cd, 1)[0]!;
    const prob = (1 - p.labelSmoothing) * target.data[pos]! + p.labelSmoothing / c;
    losses[ravel(idx, outShape)]! -= (weight ? weight.data[k]! : 1) * prob * lp;
  });
  return reduceRef(rt(outShape, losses), p.reduction, input.data.length / c);
}

/** Score shapes: [C], [N, C] and [N, C, d]. */
const scoreShapes = fc.oneof(
  fc.integer({ min: 2, max: 4 }).map((c) => [c]),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 })).map(([n, c]) => [n, c]),
  fc
    .tuple(
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 2, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .map(([n, c, d]) => [n, c, d]),
);

/** Int32 targets (some equal to ignoreIndex, the first never: an all-ignored mean is NaN). */
function targetArg(shape: number[], c: number, ignoreIndex: number): fc.Arbitrary<Arg> {
  const n = numel(shape);
  return fc.array(fc.integer({ min: -1, max: c - 1 }), { minLength: n, maxLength: n }).map((ts) => {
    const data = ts.map((t) => (t === -1 ? ignoreIndex : t));
    if (data[0] === ignoreIndex) data[0] = 0;
    return { shape, data, kind: "int" as const };
  });
}

/** [scores, targets, weight?] for a class-index loss; `vals` are the scores' values. */
function classCase(vals: fc.Arbitrary<number>, smoothing: readonly number[]) {
  const params = fc.record({
    reduction: reductions,
    ignoreIndex: fc.constantFrom(-100, 1),
    labelSmoothing: fc.constantFrom(...smoothing),
    weighted: fc.boolean(),
  });
  return fc.tuple(scoreShapes, params).chain(([s, p]) => {
    const cd = s.length === 1 ? 0 : 1;
    const args = [
      floatArg(s, { vals, layouts: true }),
      targetArg(
        s.filter((_, i) => i !== cd),
        s[cd]!,
        p.ignoreIndex,
      ),
      ...(p.weighted ? [floatArg([s[cd]!], { vals: values(0.2, 2) })] : []),
    ];
    return caseOf(args, fc.constant(p));
  });
}

/** `input` and `target` of one shape plus an optional weight broadcasting over a suffix of it. */
function pairCase(
  inVals: fc.Arbitrary<number>,
  tgtVals: fc.Arbitrary<number>,
  withPosWeight = false,
) {
  return shapes().chain((s) =>
    fc
      .record({
        reduction: reductions,
        weightDims: fc.option(fc.integer({ min: 0, max: s.length }), { nil: undefined }),
        posWeight: withPosWeight ? fc.boolean() : fc.constant(false),
      })
      .chain((p) =>
        caseOf(
          [
            floatArg(s, { vals: inVals, layouts: true }),
            floatArg(s, { vals: tgtVals }),
            ...(p.weightDims === undefined
              ? []
              : [floatArg(s.slice(p.weightDims), { vals: values(0.2, 2) })]),
            ...(p.posWeight ? [floatArg(s.slice(-1), { vals: values(0.2, 3) })] : []),
          ],
          fc.constant(p),
        ),
      ),
  );
}

/** Optional trailing tensor args of a `pairCase`: [weight, posWeight]. */
function extras<X>(xs: readonly X[], p: { weightDims?: number; posWeight: boolean }): [X?, X?] {
  const w = p.weightDims === undefined ? undefined : xs[2];
  const pw = p.posWeight ? xs[p.weightDims === undefined ? 2 : 3] : undefined;
  return [w, pw];
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const opt = (t: Tensor | undefined): { weight?: Tensor } => (t ? { weight: t } : {});

/** Loss specs. */
export const LOSS_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "crossEntropy (class indices, weight, ignoreIndex, labelSmoothing)",
    cases: classCase(values(-3, 3), [0, 0.2]),
    fn: ([x, t, w], p) => T.crossEntropy(x!, t!, { ...p, ...opt(w) }),
    ref: ([x, t, w], p) => classLossRef(x!, t!, w, p, true),
  }),
  defineSpec({
    name: "crossEntropy (class probabilities)",
    cases: fc.tuple(scoreShapes, fc.boolean()).chain(([s, weighted]) => {
      const cd = s.length === 1 ? 0 : 1;
      return caseOf(
        [
          floatArg(s, { vals: values(-3, 3) }),
          floatArg(s, { vals: values(0, 1) }),
          ...(weighted ? [floatArg([s[cd]!], { vals: values(0.2, 2) })] : []),
        ],
        fc.record({
          reduction: reductions,
          labelSmoothing: fc.constantFrom(0, 0.3),
          ignoreIndex: fc.constant(-100),
          weighted: fc.constant(weighted),
        }),
      );
    }),
    fn: ([x, t, w], p) => T.crossEntropy(x!, t!, { ...p, ...opt(w) }),
    ref: ([x, t, w], p) => probLossRef(x!, t!, w, p),
  }),
  defineSpec({
    name: "nllLoss (weight, ignoreIndex)",
    cases: classCase(values(-4, 0), [0]),
    fn: ([x, t, w], p) => T.nllLoss(x!, t!, { ...p, ...opt(w) }),
    ref: ([x, t, w], p) => classLossRef(x!, t!, w, p, false),
  }),
  defineSpec({
    name: "mseLoss",
    cases: pairCase(values(-2, 2), values(-2, 2)),
    fn: ([x, y], p) => T.mseLoss(x!, y!, p),
    ref: ([x, y], p) =>
      reduceRef(
        zipWith([x!, y!], (a, b) => (a - b) * (a - b)),
        p.reduction,
      ),
  }),
  defineSpec({
    name: "l1Loss",
    // two grids offset by 1/8: input and target never tie, so |x − y| stays off its kink
    cases: pairCase(grid(0), grid(0.125)),
    fn: ([x, y], p) => T.l1Loss(x!, y!, p),
    ref: ([x, y], p) =>
      reduceRef(
        zipWith([x!, y!], (a, b) => Math.abs(a - b)),
        p.reduction,
      ),
  }),
  defineSpec({
    name: "binaryCrossEntropy (weight)",
    cases: pairCase(values(0.05, 0.95), values(0, 1)),
    fn: ([x, y, ...r], p) =>
      T.binaryCrossEntropy(x!, y!, { ...p, ...opt(extras([x, y, ...r], p)[0]) }),
    ref: ([x, y, ...r], p) => {
      const w = extras([x!, y!, ...r], p)[0] ?? rt([], [1]);
      const l = (a: number): number => Math.max(Math.log(a), -100);
      return reduceRef(
        zipWith([x!, y!, w], (a, b, c) => -c * (b * l(a) + (1 - b) * l(1 - a))),
        p.reduction,
      );
    },
  }),
  defineSpec({
    name: "binaryCrossEntropyWithLogits (weight, posWeight)",
    cases: pairCase(values(-4, 4), values(0, 1), true),
    fn: ([x, y, ...r], p) => {
      const [weight, posWeight] = extras([x, y, ...r], p);
      return T.binaryCrossEntropyWithLogits(x!, y!, { reduction: p.reduction, weight, posWeight });
    },
    ref: ([x, y, ...r], p) => {
      const [w, pw] = extras([x!, y!, ...r], p);
      const one = rt([], [1]);
      const f = (a: number, b: number, c: number, d: number): number =>
        -c * (d * b * Math.log(sig(a)) + (1 - b) * Math.log(1 - sig(a)));
      return reduceRef(zipWith([x!, y!, w ?? one, pw ?? one], f), p.reduction);
    },
  }),
];
