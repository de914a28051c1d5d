/** Elementwise ops: unary, binary (broadcasting, JS-number operands), clamp, where, comparisons. */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { erfRef, map, zipWith } from "../reference.js";
import {
  boolArg,
  broadcastCase,
  broadcastShapes,
  caseOf,
  defineSpec,
  floatArg,
  grid,
  unaryCase,
  values,
  type FloatArgOptions,
} from "../spec-kit.js";

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const std = values(-2, 2);
const nonzero = values(-2, 2, { awayFrom: [0], margin: 0.5 });
const positive = values(0.2, 3);

function unary(
  name: string,
  fn: (x: Tensor) => Tensor,
  f: (v: number) => number,
  o: FloatArgOptions = {},
): OpSpec {
  return defineSpec({
    name,
    cases: unaryCase({ layouts: true, ...o }),
    fn: ([x]) => fn(x!),
    ref: ([x]) => map(x!, f),
  });
}

function binary(
  name: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  f: (a: number, b: number) => number,
  vals: [fc.Arbitrary<number>, fc.Arbitrary<number>] = [std, std],
): OpSpec {
  return defineSpec({
    name,
    cases: broadcastCase(vals, undefined, { layouts: true }),
    fn: ([a, b]) => fn(a!, b!),
    ref: ([a, b]) => zipWith([a!, b!], f),
  });
}

/** A tensor op with a JS-number operand on either side. */
function withScalar(
  name: string,
  fn: (x: Tensor, s: number) => Tensor,
  f: (v: number, s: number) => number,
  vals: fc.Arbitrary<number>,
  scalars: readonly number[],
): OpSpec {
  return defineSpec({
    name,
    cases: unaryCase({ vals }, fc.record({ s: fc.constantFrom(...scalars) })),
    fn: ([x], p) => fn(x!, p.s),
    ref: ([x], p) => map(x!, (v) => f(v, p.s)),
  });
}

function comparison(
  name: string,
  fn: (a: Tensor, b: T.TensorLike) => Tensor,
  f: (a: number, b: number) => boolean,
): OpSpec[] {
  // values on a coarse grid, so that ties (a == b) actually occur
  const tie = fc.integer({ min: -2, max: 2 }).map((i) => i / 2);
  return [
    defineSpec({
      name,
      cases: broadcastCase([tie, tie], undefined, { layouts: true }),
      fn: ([a, b]) => fn(a!, b!),
      ref: ([a, b]) => zipWith([a!, b!], (x, y) => Number(f(x, y)), "bool"),
      differentiable: false,
    }),
    defineSpec({
      name: `${name} (scalar)`,
      cases: unaryCase({ vals: tie }, fc.record({ s: fc.constantFrom(-0.5, 0, 0.5) })),
      fn: ([a], p) => fn(a!, p.s),
      ref: ([a], p) => map(a!, (x) => Number(f(x, p.s)), "bool"),
      differentiable: false,
    }),
  ];
}

const clampCase = (min: number | null, max: number | null): OpSpec =>
  defineSpec({
    name: `clamp (min ${min}, max ${max})`,
    cases: unaryCase({
      vals: values(-2, 2, { awayFrom: [min ?? NaN, max ?? NaN].filter((v) => !Number.isNaN(v)) }),
      layouts: true,
    }),
    fn: ([x]) => T.clamp(x!, min, max),
    ref: ([x]) => map(x!, (v) => Math.min(Math.max(v, min ?? -Infinity), max ?? Infinity)),
  });

const whereSpec = defineSpec({
  name: "where (broadcast)",
  cases: broadcastShapes(3).chain(([c, a, b]) =>
    caseOf([boolArg(c!), floatArg(a!, { layouts: true }), floatArg(b!)]),
  ),
  fn: ([c, a, b]) => T.where(c!, a!, b!),
  ref: ([c, a, b]) => zipWith([c!, a!, b!], (k, x, y) => (k ? x : y)),
});

const whereScalars = defineSpec({
  name: "where (JS-number branch)",
  cases: broadcastShapes(2).chain(([c, a]) =>
    caseOf([boolArg(c!), floatArg(a!)], fc.record({ s: fc.constantFrom(0, -1.5) })),
  ),
  fn: ([c, a], p) => T.where(c!, a!, p.s),
  ref: ([c, a], p) => zipWith([c!, a!], (k, x) => (k ? x : p.s)),
});

/** Elementwise specs. */
export const ELEMENTWISE_SPECS: readonly OpSpec[] = [
  binary("add", T.add, (a, b) => a + b),
  binary("sub", T.sub, (a, b) => a - b),
  binary(
    "add (alpha 2.5)",
    (a, b) => T.add(a, b, 2.5),
    (a, b) => a + 2.5 * b,
  ),
  binary(
    "sub (alpha -0.5)",
    (a, b) => T.sub(a, b, -0.5),
    (a, b) => a + 0.5 * b,
  ),
  binary("mul", T.mul, (a, b) => a * b),
  binary("div", T.div, (a, b) => a / b, [std, nonzero]),
  binary("pow", T.pow, (a, b) => Math.pow(a, b), [positive, std]),
  binary("maximum", T.maximum, (a, b) => Math.max(a, b), [grid(0.1), grid(0.2)]),
  binary("minimum", T.minimum, (a, b) => Math.min(a, b), [grid(0.1), grid(0.2)]),
  withScalar(
    "add (scalar)",
    (x, s) => T.add(x, s),
    (v, s) => v + s,
    std,
    [-1.5, 0.25, 3],
  ),
  withScalar(
    "sub (scalar - tensor)",
    (x, s) => T.sub(s, x),
    (v, s) => s - v,
    std,
    [-1, 2.5],
  ),
  withScalar(
    "mul (scalar)",
    (x, s) => x.mul(s),
    (v, s) => v * s,
    std,
    [-2, 0.5],
  ),
  withScalar(
    "div (tensor / scalar)",
    (x, s) => x.div(s),
    (v, s) => v / s,
    std,
    [-4, 0.25],
  ),
  withScalar(
    "div (scalar / tensor)",
    (x, s) => T.div(s, x),
    (v, s) => s / v,
    nonzero,
    [1, -3],
  ),
  withScalar(
    "pow (tensor ** scalar)",
    (x, s) => x.pow(s),
    (v, s) => v ** s,
    positive,
    [-1.5, 2, 0.5],
  ),
  withScalar(
    "pow (scalar ** tensor)",
    (x, s) => T.pow(s, x),
    (v, s) => s ** v,
    std,
    [2, 0.5],
  ),
  withScalar(
    "maximum (scalar)",
    (x, s) => x.maximum(s),
    (v, s) => Math.max(v, s),
    grid(0.1),
    [0, 0.5],
  ),
  withScalar(
    "minimum (scalar)",
    (x, s) => x.minimum(s),
    (v, s) => Math.min(v, s),
    grid(0.1),
    [0, 0.5],
  ),
  unary("neg", T.neg, (v) => -v),
  unary("exp", T.exp, Math.exp),
  unary("log", T.log, Math.log, { vals: positive }),
  unary("sqrt", T.sqrt, Math.sqrt, { vals: positive }),
  unary("rsqrt", T.rsqrt, (v) => 1 / Math.sqrt(v), { vals: positive }),
  unary("abs", T.abs, Math.abs, { vals: nonzero }),
  unary("sign", T.sign, Math.sign, { vals: nonzero }),
  unary("sin", T.sin, Math.sin, { vals: values(-4, 4) }),
  unary("cos", T.cos, Math.cos, { vals: values(-4, 4) }),
  unary("sigmoid", T.sigmoid, sigmoid, { vals: values(-6, 6) }),
  unary("tanh", T.tanh, Math.tanh, { vals: values(-3, 3) }),
  unary("relu", T.relu, (v) => Math.max(v, 0), { vals: nonzero }),
  unary("erf", T.erf, erfRef, { vals: values(-3, 3) }),
  clampCase(-0.5, 0.5),
  clampCase(0, null),
  clampCase(null, 1),
  whereSpec,
  whereScalars,
  unary(
    "mul (x * x: one input used twice)",
    (x) => T.mul(x, x),
    (v) => v * v,
  ),
  unary(
    "sub (x - x.exp(): shared input)",
    (x) => T.sub(x, x.exp()),
    (v) => v - Math.exp(v),
  ),
  ...comparison("eq", T.eq, (a, b) => a === b),
  ...comparison("ne", T.ne, (a, b) => a !== b),
  ...comparison("gt", T.gt, (a, b) => a > b),
  ...comparison("ge", T.ge, (a, b) => a >= b),
  ...comparison("lt", T.lt, (a, b) => a < b),
  ...comparison("le", T.le, (a, b) => a <= b),
];
