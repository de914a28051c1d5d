/**
 * The pooling family: maxPool2d (kernel × stride × padding × dilation × ceilMode × batch,
 * returnIndices), avgPool2d (× countIncludePad × divisorOverride), lpPool2d (normType 1, 1.5, 2,
 * 3), adaptiveAvgPool2d and distanceWeightedAvgPool2d (× sigma), against the naive loops of
 * pool-reference.ts. Max-pool windows hold distinct values (no ties); Lp windows stay away from a
 * zero sum.
 */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { caseOf, defineSpec, distinctArg, floatArg, values } from "../spec-kit.js";
import {
  adaptiveAvgPoolRef,
  avgPoolRef,
  distanceWeightedAvgPoolRef,
  lpPoolRef,
  maxPoolRef,
  refPoolLen,
  type RefPool,
} from "./pool-reference.js";

type Pair = [number, number];
/** An option as a user writes it: one int (sometimes) or a pair. */
type IntOrPair = number | Pair;

const pairOf = (v: IntOrPair): Pair => (typeof v === "number" ? [v, v] : v);
const small = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi });
const asUserWrites = (p: Pair): fc.Arbitrary<IntOrPair> =>
  p[0] === p[1] ? fc.constantFrom<IntOrPair>(p[0], p) : fc.constant(p);

/** A generated pooling problem (`stride` null = the default, kernelSize). */
interface Geo {
  shape: number[];
  kernel: IntOrPair;
  stride: IntOrPair | null;
  padding: IntOrPair;
  dilation: IntOrPair;
  ceilMode: boolean;
}

const refGeo = (g: Geo): RefPool => ({
  kernel: pairOf(g.kernel),
  stride: pairOf(g.stride ?? g.kernel),
  padding: pairOf(g.padding),
  dilation: pairOf(g.dilation),
  ceilMode: g.ceilMode,
});

/** Whether every (dilated) window has a tap inside the input (else maxPool2d rejects it). */
function reachesInput(I: number, k: number, s: number, p: number, d: number, out: number) {
  for (let o = 0; o < out; o++) {
    let hit = false;
    for (let i = 0; i < k; i++) hit ||= o * s - p + i * d >= 0 && o * s - p + i * d < I;
    if (!hit) return false;
  }
  return true;
}

/**
 * Valid pooling geometries: padding ≤ ⌊k/2⌋, output ≥ 1, ≤ 64 input elements, batched
 * [N, C, H, W] or unbatched [C, H, W]. `maxDilation` 1 for average pooling.
 */
function geos(maxDilation: number, maxPad = 1): fc.Arbitrary<Geo> {
  return fc
    .record({
      N: small(1, 2),
      C: small(1, 2),
      unbatched: fc.boolean(),
      k: fc.tuple(small(1, 3), small(1, 3)),
      stride: fc.option(fc.tuple(small(1, 3), small(1, 2)), { nil: null }),
      padRaw: fc.tuple(small(0, maxPad), small(0, maxPad)),
      dilation: fc.tuple(small(1, maxDilation), small(1, maxDilation)),
      ceilMode: fc.boolean(),
      extra: fc.tuple(small(0, 3), small(0, 3)),
    })
    .map((r) => {
      const pad: Pair = [Math.min(r.padRaw[0], r.k[0] >> 1), Math.min(r.padRaw[1], r.k[1] >> 1)];
      const span = (a: 0 | 1): number =>
        Math.max(1, r.dilation[a] * (r.k[a] - 1) + 1 - 2 * pad[a]) + r.extra[a];
      const nchw = [r.N, r.C, span(0), span(1)];
      return { ...r, pad, shape: r.unbatched ? nchw.slice(1) : nchw };
    })
    .filter((r) => r.shape.reduce((a, b) => a * b, 1) <= 64)
    .filter((r) =>
      ([0, 1] as const).every((a) => {
        const I = r.shape[r.shape.length - 2 + a]!;
        const s = (r.stride ?? r.k)[a];
        const out = refPoolLen(I, r.k[a], s, r.pad[a], r.dilation[a], r.ceilMode);
        return out >= 1 && reachesInput(I, r.k[a], s, r.pad[a], r.dilation[a], out);
      }),
    )
    .chain((r) =>
      fc.record({
        shape: fc.constant(r.shape),
        kernel: asUserWrites(r.k),
        stride: r.stride ? asUserWrites(r.stride) : fc.constant(null),
        padding: asUserWrites(r.pad),
        dilation: asUserWrites(r.dilation),
        ceilMode: fc.constant(r.ceilMode),
      }),
    );
}

const avgOptions = fc.record({
  countIncludePad: fc.boolean(),
  divisorOverride: fc.option(small(1, 5), { nil: null }),
});

/** Lp cases: normType 2 on any non-zero values, odd or fractional normType on positive ones. */
const lpCases = fc.tuple(geos(1, 0), fc.constantFrom(1, 1.5, 2, 3)).chain(([g, p]) =>
  caseOf(
    [
      floatArg(g.shape, {
        vals: p === 2 ? values(-2, 2, { awayFrom: [0], margin: 0.3 }) : values(0.3, 2),
        layouts: true,
      }),
    ],
    fc.constant({ ...g, p }),
  ),
);

/** Adaptive cases: any output size (smaller, equal or larger than the input; null keeps it). */
const adaptiveCases = fc
  .record({
    shape: fc.oneof(
      fc.tuple(small(1, 2), small(1, 2), small(1, 5), small(1, 5)).map((s) => [...s]),
      fc.tuple(small(1, 2), small(1, 5), small(1, 5)).map((s) => [...s]),
    ),
    size: fc.oneof(
      small(1, 4),
      fc.tuple(fc.option(small(1, 6), { nil: null }), fc.option(small(1, 6), { nil: null })),
    ),
  })
  .chain((p) => caseOf([floatArg(p.shape, { layouts: true })], fc.constant(p)));

const stride = (g: Geo): IntOrPair | null => g.stride;

/** σ as a user writes it: the default (null), one value, or one per axis. */
const sigmas = fc.constantFrom<number | Pair | null>(null, 0.5, 1, 2.5, [0.7, 1.6]);
/** The default σ for k taps, written out (OpenCV's rule). */
const defaultSigmaRef = (k: number): number => 0.3 * ((k - 1) / 2 - 1) + 0.8;

/** Distance-weighted cases: average-pool geometries without ceil mode, and a σ. */
const distanceCases = fc
  .tuple(
    geos(1).map((g) => ({ ...g, ceilMode: false })),
    sigmas,
  )
  .chain(([g, sigma]) =>
    caseOf([floatArg(g.shape, { layouts: true })], fc.constant({ ...g, sigma })),
  );

/** Pooling specs. */
export const POOL_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "maxPool2d (kernel × stride × padding × dilation × ceilMode × batch)",
    cases: geos(2).chain((g) => caseOf([distinctArg(g.shape, { layouts: true })], fc.constant(g))),
    fn: ([x], g) =>
      T.maxPool2d(x!, g.kernel, {
        stride: stride(g),
        padding: g.padding,
        dilation: g.dilation,
        ceilMode: g.ceilMode,
      }),
    ref: ([x], g) => maxPoolRef(x!, refGeo(g))[0],
  }),
  defineSpec({
    name: "maxPool2d (returnIndices: values and plane-flat argmax)",
    cases: geos(2).chain((g) => caseOf([distinctArg(g.shape)], fc.constant(g))),
    fn: ([x], g) => {
      const o = { stride: stride(g), padding: g.padding, dilation: g.dilation };
      return T.maxPool2d(x!, g.kernel, { ...o, ceilMode: g.ceilMode, returnIndices: true });
    },
    ref: ([x], g) => maxPoolRef(x!, refGeo(g)),
  }),
  defineSpec({
    name: "avgPool2d (kernel × stride × padding × ceilMode × countIncludePad × divisorOverride)",
    cases: fc
      .tuple(geos(1), avgOptions)
      .chain(([g, a]) =>
        caseOf([floatArg(g.shape, { layouts: true })], fc.constant({ ...g, ...a })),
      ),
    fn: ([x], g) =>
      T.avgPool2d(x!, g.kernel, {
        stride: stride(g),
        padding: g.padding,
        ceilMode: g.ceilMode,
        countIncludePad: g.countIncludePad,
        divisorOverride: g.divisorOverride,
      }),
    ref: ([x], g) => avgPoolRef(x!, refGeo(g), g),
  }),
  defineSpec({
    name: "lpPool2d (normType 1, 1.5, 2, 3 × kernel × stride × ceilMode)",
    cases: lpCases,
    fn: ([x], g) => T.lpPool2d(x!, g.p, g.kernel, { stride: stride(g), ceilMode: g.ceilMode }),
    ref: ([x], g) => lpPoolRef(x!, g.p, refGeo(g)),
  }),
  defineSpec({
    name: "distanceWeightedAvgPool2d (kernel × stride × padding × sigma × batch)",
    cases: distanceCases,
    fn: ([x], g) =>
      T.distanceWeightedAvgPool2d(x!, g.kernel, {
        stride: stride(g),
        padding: g.padding,
        sigma: g.sigma,
      }),
    ref: ([x], g) => {
      const r = refGeo(g);
      const s: Pair =
        g.sigma === null
          ? [defaultSigmaRef(r.kernel[0]), defaultSigmaRef(r.kernel[1])]
          : pairOf(g.sigma);
      return distanceWeightedAvgPoolRef(x!, r, s);
    },
  }),
  defineSpec({
    name: "adaptiveAvgPool2d (output smaller, equal or larger; null keeps a size)",
    cases: adaptiveCases,
    fn: ([x], p) => T.adaptiveAvgPool2d(x!, p.size),
    ref: ([x], p) => {
      const [H, W] = x!.shape.slice(-2) as Pair;
      const s = typeof p.size === "number" ? [p.size, p.size] : p.size;
      return adaptiveAvgPoolRef(x!, s[0] ?? H, s[1] ?? W);
    },
  }),
];
