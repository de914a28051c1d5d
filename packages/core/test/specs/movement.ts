/** Movement ops (views): reshape/view, flatten, squeeze/unsqueeze, permute/transpose, expand, narrow/select/slice, contiguous. */
import fc from "fast-check";
import type { OpSpec } from "../op-specs.js";
import { expandRef, numel, permuteRef, reshapeRef, rt, sliceRef } from "../reference.js";
import { caseOf, defineSpec, dimOf, floatArg, shapes } from "../spec-kit.js";

/** Shapes holding `n` elements: [n], [-1], [1, n], [n, 1], and factor pairs and triples. */
function reshapeTargets(n: number): number[][] {
  const out: number[][] = [[n], [-1], [1, n], [n, 1], [1, -1, 1]];
  for (let a = 2; a < n; a++) {
    if (n % a !== 0) continue;
    out.push([a, n / a], [a, -1]);
    for (let b = 2; b < n / a; b++) if ((n / a) % b === 0) out.push([a, b, n / a / b]);
  }
  return out;
}

/** A case with one float arg of a shape from `shapes(o)` and params derived from the shape. */
function shapeCase<P>(
  params: (s: number[]) => fc.Arbitrary<P>,
  o: { minDims?: number; maxSize?: number; layouts?: boolean } = {},
) {
  return shapes(o).chain((s) => caseOf([floatArg(s, { layouts: o.layouts ?? true })], params(s)));
}

const nd = (s: readonly number[]): number => s.length;
const squeezeShape = (s: readonly number[], dim?: number): number[] =>
  s.filter((n, i) => !(n === 1 && (dim === undefined || (dim + s.length) % s.length === i)));

/** Movement specs. */
export const MOVEMENT_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "reshape",
    cases: shapeCase((s) => fc.record({ shape: fc.constantFrom(...reshapeTargets(numel(s))) })),
    fn: ([x], p) => x!.reshape(p.shape),
    ref: ([x], p) => reshapeRef(x!, p.shape),
  }),
  defineSpec({
    name: "view (contiguous input)",
    cases: shapeCase((s) => fc.record({ shape: fc.constantFrom(...reshapeTargets(numel(s))) }), {
      layouts: false,
    }),
    fn: ([x], p) => x!.view(p.shape),
    ref: ([x], p) => reshapeRef(x!, p.shape),
  }),
  defineSpec({
    name: "flatten (startDim, endDim)",
    cases: shapeCase((s) =>
      s.length === 0
        ? fc.constant({ start: 0, end: -1 })
        : fc
            .tuple(fc.nat(s.length - 1), fc.nat(s.length - 1))
            .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) - s.length })),
    ),
    fn: ([x], p) => x!.flatten(p.start, p.end),
    ref: ([x], p) => {
      const s = x!.shape;
      if (s.length === 0) return reshapeRef(x!, [1]);
      const e = p.end + s.length;
      const merged = numel(s.slice(p.start, e + 1));
      return reshapeRef(x!, [...s.slice(0, p.start), merged, ...s.slice(e + 1)]);
    },
  }),
  defineSpec({
    name: "squeeze (all)",
    cases: shapeCase(() => fc.constant({}), { maxSize: 2 }),
    fn: ([x]) => x!.squeeze(),
    ref: ([x]) => reshapeRef(x!, squeezeShape(x!.shape)),
  }),
  defineSpec({
    name: "squeeze (dim)",
    cases: shapeCase((s) => fc.record({ dim: dimOf(Math.max(nd(s), 1)) }), { maxSize: 2 }),
    fn: ([x], p) => x!.squeeze(p.dim),
    ref: ([x], p) => reshapeRef(x!, squeezeShape(x!.shape, x!.shape.length ? p.dim : undefined)),
  }),
  defineSpec({
    name: "unsqueeze",
    cases: shapeCase((s) => fc.record({ dim: dimOf(nd(s) + 1) })),
    fn: ([x], p) => x!.unsqueeze(p.dim),
    ref: ([x], p) => {
      const s = [...x!.shape];
      s.splice(p.dim < 0 ? p.dim + s.length + 1 : p.dim, 0, 1);
      return reshapeRef(x!, s);
    },
  }),
  defineSpec({
    name: "permute",
    cases: shapeCase((s) =>
      fc.record({ dims: fc.shuffledSubarray([...s.keys()], { minLength: nd(s) }) }),
    ),
    fn: ([x], p) => x!.permute(p.dims),
    ref: ([x], p) => permuteRef(x!, p.dims),
  }),
  defineSpec({
    name: "transpose",
    cases: shapeCase((s) => fc.record({ a: dimOf(nd(s)), b: dimOf(nd(s)) }), { minDims: 1 }),
    fn: ([x], p) => x!.transpose(p.a, p.b),
    ref: ([x], p) => {
      const n = x!.shape.length;
      const order = [...Array(n).keys()];
      const [a, b] = [(p.a + n) % n, (p.b + n) % n];
      [order[a], order[b]] = [order[b]!, order[a]!];
      return permuteRef(x!, order);
    },
  }),
  defineSpec({
    name: "expand",
    cases: shapeCase((s) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          fc.tuple(
            ...s.map((n) => (n === 1 ? fc.integer({ min: 1, max: 3 }) : fc.constantFrom(n, -1))),
          ),
        )
        .map(([lead, rest]) => ({ shape: [...lead, ...rest] })),
    ),
    fn: ([x], p) => x!.expand(p.shape),
    ref: ([x], p) => expandRef(x!, p.shape),
  }),
  defineSpec({
    name: "narrow",
    cases: shapeCase(
      (s) =>
        dimOf(nd(s)).chain((dim) => {
          const size = s[(dim + s.length) % s.length]!;
          return fc
            .record({ start: fc.nat(size - 1), negative: fc.boolean() })
            .chain(({ start, negative }) =>
              fc.record({
                dim: fc.constant(dim),
                start: fc.constant(negative ? start - size : start),
                length: fc.integer({ min: 0, max: size - start }),
              }),
            );
        }),
      { minDims: 1 },
    ),
    fn: ([x], p) => x!.narrow(p.dim, p.start, p.length),
    ref: ([x], p) => {
      const size = x!.shape[(p.dim + x!.shape.length) % x!.shape.length]!;
      const s = p.start < 0 ? p.start + size : p.start;
      return sliceRef(x!, p.dim, s, s + p.length, 1);
    },
  }),
  defineSpec({
    name: "select",
    cases: shapeCase(
      (s) =>
        dimOf(nd(s)).chain((dim) => {
          const size = s[(dim + s.length) % s.length]!;
          return fc.record({
            dim: fc.constant(dim),
            index: fc.integer({ min: -size, max: size - 1 }),
          });
        }),
      { minDims: 1 },
    ),
    fn: ([x], p) => x!.select(p.dim, p.index),
    ref: ([x], p) => {
      const n = x!.shape.length;
      const d = (p.dim + n) % n;
      const i = p.index < 0 ? p.index + x!.shape[d]! : p.index;
      const sl = sliceRef(x!, d, i, i + 1, 1);
      return rt(
        sl.shape.filter((_, k) => k !== d),
        sl.data,
      );
    },
  }),
  defineSpec({
    name: "slice (start, end, step; out-of-range bounds clamp)",
    cases: shapeCase(
      (s) =>
        dimOf(nd(s)).chain((dim) => {
          const size = s[(dim + s.length) % s.length]!;
          const bound = fc.integer({ min: -size - 1, max: size + 1 });
          return fc.record({
            dim: fc.constant(dim),
            start: bound,
            end: bound,
            step: fc.integer({ min: 1, max: 3 }),
          });
        }),
      { minDims: 1 },
    ),
    fn: ([x], p) => x!.slice(p.dim, p.start, p.end, p.step),
    ref: ([x], p) => sliceRef(x!, p.dim, p.start, p.end, p.step),
  }),
  defineSpec({
    name: "contiguous (non-contiguous input)",
    cases: shapes({ minDims: 2 }).chain((s) => caseOf([floatArg(s, { layouts: true })])),
    fn: ([x]) => {
      const y = x!.contiguous();
      if (!y.isContiguous()) throw new Error("contiguous() returned a non-contiguous tensor");
      return y;
    },
    ref: ([x]) => rt([...x!.shape], [...x!.data]),
  }),
];
