/**
 * Building blocks for op specs (see op-specs.ts): `defineSpec`, and fast-check arbitraries for
 * shapes (with broadcasting pairs, 0-d and size-1 dims), values kept away from kinks, distinct
 * values (no ties), index tensors, and whole cases.
 */
import fc from "fast-check";
import type { Arg, OpCase, OpSpec, Tol } from "./op-specs.js";

/** Registers a spec, inferring its parameter type from `cases` (erased in the registry). */
export function defineSpec<P>(spec: OpSpec<P>): OpSpec {
  return spec as OpSpec;
}

/** Default tolerances: float64 forward, float32 forward, gradcheck (PyTorch's defaults). */
export const DEFAULT_TOL: { f64: Tol; f32: Tol; grad: Tol; f32grad: Tol } = {
  f64: { atol: 1e-12, rtol: 1e-10 },
  f32: { atol: 1e-5, rtol: 1e-4 },
  grad: { atol: 1e-5, rtol: 1e-3 },
  f32grad: { atol: 1e-4, rtol: 1e-3 },
};

/** Options of the shape arbitraries. */
export interface ShapeOptions {
  minDims?: number;
  maxDims?: number;
  /** Smallest size of each dim (default 1). */
  minSize?: number;
  /** Largest size of each dim (default 4; with 3 dims that is ≤ 64 elements). */
  maxSize?: number;
}

/** A shape with `minDims..maxDims` dims (0-d included by default). */
export function shapes(o: ShapeOptions = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: o.minSize ?? 1, max: o.maxSize ?? 4 }), {
    minLength: o.minDims ?? 0,
    maxLength: o.maxDims ?? 3,
  });
}

/**
 * `n` shapes that broadcast together: each drops some leading dims of a common shape and turns
 * some of the rest into 1.
 */
export function broadcastShapes(n: number, o: ShapeOptions = {}): fc.Arbitrary<number[][]> {
  return shapes(o).chain((full) => {
    const one = fc
      .record({
        drop: fc.integer({ min: 0, max: full.length }),
        ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      })
      .map(({ drop, ones }) => full.slice(drop).map((s, i) => (ones[i + drop] ? 1 : s)));
    return fc.tuple(...Array.from({ length: n }, () => one));
  });
}

/** Options of `values`. */
export interface ValueOptions {
  /** Points to stay away from (kinks, poles, thresholds). */
  awayFrom?: readonly number[];
  /** Minimum distance from them (default 0.1). */
  margin?: number;
}

/** Doubles in [lo, hi], pushed at least `margin` away from each point of `awayFrom`. */
export function values(lo: number, hi: number, o: ValueOptions = {}): fc.Arbitrary<number> {
  const margin = o.margin ?? 0.1;
  // fc.double alone favours edge values (bounds, 0, tiny magnitudes); mostly draw uniformly
  const steps = 1 << 24;
  const uniform = fc
    .noBias(fc.integer({ min: 0, max: steps }))
    .map((i) => lo + ((hi - lo) * i) / steps);
  const edgy = fc.double({ min: lo, max: hi, noNaN: true });
  return fc.oneof({ arbitrary: uniform, weight: 4 }, { arbitrary: edgy, weight: 1 }).map((v) => {
    let out = v === 0 ? 0 : v; // no -0
    for (const k of o.awayFrom ?? []) {
      if (Math.abs(out - k) < margin) out = out >= k ? k + margin : k - margin;
    }
    return out;
  });
}

/** Numbers on the grid `offset + i/4`, |i| ≤ 8: two grids with different offsets never tie. */
export const grid = (offset = 0): fc.Arbitrary<number> =>
  fc.integer({ min: -8, max: 8 }).map((i) => i / 4 + offset);

const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const layouts = fc.constantFrom<NonNullable<Arg["layout"]>>("contiguous", "transposed", "strided");

/** Options of `floatArg`. */
export interface FloatArgOptions {
  /** Element values (default `values(-2, 2)`). */
  vals?: fc.Arbitrary<number>;
  /** Also generate non-contiguous layouts (transposed, strided with offset). */
  layouts?: boolean;
  /** Differentiate with respect to this input (default true). */
  grad?: boolean;
}

/** A float argument of the given shape. */
export function floatArg(shape: readonly number[], o: FloatArgOptions = {}): fc.Arbitrary<Arg> {
  const n = numelOf(shape);
  return fc
    .record({
      data: fc.array(o.vals ?? values(-2, 2), { minLength: n, maxLength: n }),
      layout: o.layouts ? layouts : fc.constant<Arg["layout"]>("contiguous"),
    })
    .map(({ data, layout }) => ({
      shape: [...shape],
      data,
      ...(layout === "contiguous" ? {} : { layout }),
      ...(o.grad === false ? { grad: false } : {}),
    }));
}

/** A float argument whose values are pairwise at least 1/32 apart (no ties for max/min/sort). */
export function distinctArg(
  shape: readonly number[],
  o: Omit<FloatArgOptions, "vals"> = {},
): fc.Arbitrary<Arg> {
  const n = numelOf(shape);
  return fc
    .record({
      ints: fc.uniqueArray(fc.integer({ min: -96, max: 96 }), { minLength: n, maxLength: n }),
      layout: o.layouts ? layouts : fc.constant<Arg["layout"]>("contiguous"),
    })
    .map(({ ints, layout }) => ({
      shape: [...shape],
      data: ints.map((i) => i / 32),
      ...(layout === "contiguous" ? {} : { layout }),
      ...(o.grad === false ? { grad: false } : {}),
    }));
}

/** An int32 index argument with entries in [0, size) (size ≥ 1). */
export function indexArg(shape: readonly number[], size: number): fc.Arbitrary<Arg> {
  const n = numelOf(shape);
  return fc
    .array(fc.integer({ min: 0, max: size - 1 }), { minLength: n, maxLength: n })
    .map((data) => ({ shape: [...shape], data, kind: "int" as const }));
}

/** A bool mask argument. */
export function boolArg(shape: readonly number[]): fc.Arbitrary<Arg> {
  const n = numelOf(shape);
  return fc
    .array(fc.boolean(), { minLength: n, maxLength: n })
    .map((b) => ({ shape: [...shape], data: b.map(Number), kind: "bool" as const }));
}

/** A case from argument arbitraries and (optionally) a parameter arbitrary. */
export function caseOf<P = Record<string, never>>(
  args: readonly fc.Arbitrary<Arg>[],
  params?: fc.Arbitrary<P>,
): fc.Arbitrary<OpCase<P>> {
  const p = params ?? fc.constant({} as P);
  return fc.record({ args: fc.tuple(...args), params: p }).map((c) => ({
    args: [...c.args],
    params: c.params,
  }));
}

/** One float argument of any small shape (`shape` options), with the given values. */
export function unaryCase<P = Record<string, never>>(
  o: FloatArgOptions & ShapeOptions = {},
  params?: fc.Arbitrary<P>,
): fc.Arbitrary<OpCase<P>> {
  return shapes(o).chain((s) => caseOf([floatArg(s, o)], params));
}

/** Broadcast-compatible float arguments, one value arbitrary per argument. */
export function broadcastCase<P = Record<string, never>>(
  vals: readonly fc.Arbitrary<number>[],
  params?: fc.Arbitrary<P>,
  o: ShapeOptions & { layouts?: boolean } = {},
): fc.Arbitrary<OpCase<P>> {
  return broadcastShapes(vals.length, o).chain((ss) =>
    caseOf(
      ss.map((s, i) => floatArg(s, { vals: vals[i]!, layouts: o.layouts ?? false })),
      params,
    ),
  );
}

/** A dim of a `nd`-d tensor, negative or not (`nd` ≥ 1). */
export const dimOf = (nd: number): fc.Arbitrary<number> => fc.integer({ min: -nd, max: nd - 1 });
