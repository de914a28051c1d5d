/** Reductions: sum, mean, prod, max/min (whole and along a dim), var/std, logsumexp, argmax/argmin. */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import {
  extremumDim,
  logSumExpOf,
  meanOf,
  numel,
  reduceAxes,
  sumOf,
  varOf,
  type RefTensor,
} from "../reference.js";
import {
  caseOf,
  defineSpec,
  dimOf,
  distinctArg,
  floatArg,
  shapes,
  unaryCase,
  values,
  type FloatArgOptions,
} from "../spec-kit.js";

/** A case reducing over a non-empty subset of dims (some given as negative numbers). */
function dimsCase(o: FloatArgOptions & { distinct?: boolean; minSize?: number } = {}) {
  // 0-d inputs (reduced over dim 0 or -1, as PyTorch allows) unless reduced dims need a size
  return shapes({ minDims: o.minSize === undefined ? 0 : 1 }).chain((s) => {
    const axes = s.length === 0 ? [0] : [...s.keys()];
    const params = fc.record({
      dims: fc
        .shuffledSubarray(axes, { minLength: 1 })
        .chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - Math.max(s.length, 1))))),
      keepdim: fc.boolean(),
      unbiased: fc.boolean(),
    });
    // reduced dims get at least `minSize` elements (var needs two)
    return params.chain((p) => {
      const shape = s.map((n, d) =>
        p.dims.some((k) => (k + s.length) % s.length === d) ? Math.max(n, o.minSize ?? 1) : n,
      );
      const arg = o.distinct ? distinctArg(shape, o) : floatArg(shape, o);
      return caseOf([arg], fc.constant(p));
    });
  });
}

/** A case reducing along one dim (0-d inputs included: dim 0 or -1). */
function dimCase(o: FloatArgOptions & { distinct?: boolean } = {}) {
  return shapes().chain((s) =>
    caseOf(
      [o.distinct ? distinctArg(s, o) : floatArg(s, o)],
      fc.record({ dim: dimOf(Math.max(s.length, 1)), keepdim: fc.boolean() }),
    ),
  );
}

const unitish = values(-1.5, 1.5, { awayFrom: [0], margin: 0.5 });
const withZeros = fc.oneof(fc.constant(0), unitish);
const prodOf = (v: number[]): number => v.reduce((a, b) => a * b, 1);
const gtR = (a: number, b: number): boolean => a > b;
const ltR = (a: number, b: number): boolean => a < b;
const bigEnough = shapes().filter((s) => numel(s) >= 2);

function extremum(name: "max" | "min"): OpSpec[] {
  const better = name === "max" ? gtR : ltR;
  const whole = (v: number[]): number => (name === "max" ? Math.max(...v) : Math.min(...v));
  const pick = (v: number[]): number => v.reduce((bi, x, i) => (better(x, v[bi]!) ? i : bi), 0);
  const arg = name === "max" ? T.argmax : T.argmin;
  return [
    defineSpec({
      name: `${name} (all)`,
      cases: shapes().chain((s) => caseOf([distinctArg(s, { layouts: true })])),
      fn: ([x]) => (name === "max" ? T.max(x!) : T.min(x!)),
      ref: ([x]) => reduceAxes(x!, null, false, whole),
    }),
    defineSpec({
      name: `${name} (dim) -> [values, indices]`,
      cases: dimCase({ distinct: true, layouts: true }),
      fn: ([x], p) => (name === "max" ? T.max(x!, p.dim, p.keepdim) : T.min(x!, p.dim, p.keepdim)),
      ref: ([x], p) => extremumDim(x!, p.dim, p.keepdim, better),
    }),
    defineSpec({
      name: `arg${name} (all)`,
      cases: shapes().chain((s) => caseOf([distinctArg(s, { layouts: true })])),
      fn: ([x]) => arg(x!),
      ref: ([x]): RefTensor => reduceAxes(x!, null, false, pick, "int32"),
      differentiable: false,
    }),
    defineSpec({
      name: `arg${name} (dim)`,
      cases: dimCase({ distinct: true }),
      fn: ([x], p) => arg(x!, p.dim, p.keepdim),
      ref: ([x], p) => extremumDim(x!, p.dim, p.keepdim, better)[1],
      differentiable: false,
    }),
  ];
}

/** Reduction specs. */
export const REDUCE_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "sum (all)",
    cases: unaryCase({ layouts: true }),
    fn: ([x]) => T.sum(x!),
    ref: ([x]) => reduceAxes(x!, null, false, sumOf),
  }),
  defineSpec({
    name: "sum (dims, keepdim)",
    cases: dimsCase({ layouts: true }),
    fn: ([x], p) => x!.sum(p.dims, p.keepdim),
    ref: ([x], p) => reduceAxes(x!, p.dims, p.keepdim, sumOf),
  }),
  defineSpec({
    name: "mean (all)",
    cases: unaryCase(),
    fn: ([x]) => T.mean(x!),
    ref: ([x]) => reduceAxes(x!, null, false, meanOf),
  }),
  defineSpec({
    name: "mean (dims, keepdim)",
    cases: dimsCase({ layouts: true }),
    fn: ([x], p) => T.mean(x!, p.dims, p.keepdim),
    ref: ([x], p) => reduceAxes(x!, p.dims, p.keepdim, meanOf),
  }),
  defineSpec({
    name: "prod (all)",
    cases: unaryCase({ vals: unitish, layouts: true }),
    fn: ([x]) => T.prod(x!),
    ref: ([x]) => reduceAxes(x!, null, false, prodOf),
  }),
  defineSpec({
    name: "prod (dim)",
    cases: dimCase({ vals: unitish, layouts: true }),
    fn: ([x], p) => T.prod(x!, p.dim, p.keepdim),
    ref: ([x], p) => reduceAxes(x!, [p.dim], p.keepdim, prodOf),
  }),
  defineSpec({
    name: "prod (dim, with zeros)",
    cases: dimCase({ vals: withZeros }),
    fn: ([x], p) => T.prod(x!, p.dim, p.keepdim),
    ref: ([x], p) => reduceAxes(x!, [p.dim], p.keepdim, prodOf),
  }),
  ...extremum("max"),
  ...extremum("min"),
  defineSpec({
    name: "var (all, unbiased option)",
    cases: bigEnough.chain((s) =>
      caseOf([distinctArg(s, { layouts: true })], fc.record({ unbiased: fc.boolean() })),
    ),
    fn: ([x], p) => T.variance(x!, null, { unbiased: p.unbiased }),
    ref: ([x], p) => reduceAxes(x!, null, false, (v) => varOf(v, p.unbiased ? 1 : 0)),
  }),
  defineSpec({
    name: "var (dims, unbiased option, keepdim)",
    cases: dimsCase({ minSize: 2 }),
    fn: ([x], p) => x!.var(p.dims, { unbiased: p.unbiased, keepdim: p.keepdim }),
    ref: ([x], p) => reduceAxes(x!, p.dims, p.keepdim, (v) => varOf(v, p.unbiased ? 1 : 0)),
  }),
  defineSpec({
    name: "std (all, unbiased option)",
    cases: bigEnough.chain((s) => caseOf([distinctArg(s)], fc.record({ unbiased: fc.boolean() }))),
    fn: ([x], p) => T.std(x!, null, { unbiased: p.unbiased }),
    ref: ([x], p) => reduceAxes(x!, null, false, (v) => Math.sqrt(varOf(v, p.unbiased ? 1 : 0))),
  }),
  defineSpec({
    name: "std (dims, unbiased option, keepdim)",
    cases: dimsCase({ minSize: 2, distinct: true, layouts: true }),
    fn: ([x], p) => T.std(x!, p.dims, { unbiased: p.unbiased, keepdim: p.keepdim }),
    ref: ([x], p) =>
      reduceAxes(x!, p.dims, p.keepdim, (v) => Math.sqrt(varOf(v, p.unbiased ? 1 : 0))),
  }),
  defineSpec({
    name: "logsumexp (dims, keepdim)",
    cases: dimsCase({ vals: values(-5, 5), layouts: true }),
    fn: ([x], p) => T.logsumexp(x!, p.dims, p.keepdim),
    ref: ([x], p) => reduceAxes(x!, p.dims, p.keepdim, logSumExpOf),
  }),
];
