/**
 * The conv family: conv2d (stride × padding × dilation × groups × kernel shape × batch, bias,
 * 'same'/'valid', unbatched), conv1d, convTranspose2d (outputPadding) and the two conv backward
 * ops, against the naive loops of conv-reference.ts. Sizes stay tiny so full-Jacobian
 * gradgradcheck is fast.
 */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { reshapeRef, type RefTensor } from "../reference.js";
import { caseOf, defineSpec, floatArg } from "../spec-kit.js";
import {
  conv2dRef,
  convInputGradRef,
  convTranspose2dRef,
  convWeightGradRef,
  refSame,
  symmetric,
  type RefConv,
} from "./conv-reference.js";

type Pair = [number, number];
/** An option as a user writes it: one int when both dims agree (sometimes), else a pair. */
type IntOrPair = number | Pair;

const pairOf = (v: IntOrPair): Pair => (typeof v === "number" ? [v, v] : v);
const small = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi });
const anyPair = (lo: number, hi: number): fc.Arbitrary<IntOrPair> =>
  fc.oneof(small(lo, hi), fc.tuple(small(lo, hi), small(lo, hi)));

/** A generated conv problem: batch, groups, channels per group, kernel, options, input size. */
interface Geo {
  N: number;
  G: number;
  Cg: number;
  Og: number;
  k: Pair;
  stride: IntOrPair;
  padding: IntOrPair;
  dilation: IntOrPair;
  H: number;
  W: number;
}

const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const xShape = (g: Geo): number[] => [g.N, g.G * g.Cg, g.H, g.W];
const wShape = (g: Geo): number[] => [g.G * g.Og, g.Cg, ...g.k];
const outLen = (I: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((I + 2 * p - d * (k - 1) - 1) / s) + 1;
const outShape = (g: Geo): number[] => {
  const [s, p, d] = [pairOf(g.stride), pairOf(g.padding), pairOf(g.dilation)];
  return [
    g.N,
    g.G * g.Og,
    ...([0, 1] as const).map((a) => outLen(a ? g.W : g.H, g.k[a], s[a], p[a], d[a])),
  ];
};
const refGeo = (g: Geo): RefConv => ({
  stride: pairOf(g.stride),
  pad: symmetric(pairOf(g.padding)),
  dilation: pairOf(g.dilation),
  groups: g.G,
});
const options = (g: Geo) => ({
  stride: g.stride,
  padding: g.padding,
  dilation: g.dilation,
  groups: g.G,
});

/** Inputs of at most `maxX` and weights of at most 36 elements keep gradgradcheck fast. */
const fits = (x: number[], w: number[], maxX = 80): boolean => numel(x) <= maxX && numel(w) <= 36;

/** Conv geometries whose window fits the padded input, ≤ 80 input and ≤ 36 weight elements. */
const geos: fc.Arbitrary<Geo> = fc
  .record({
    N: small(1, 2),
    G: small(1, 2),
    Cg: small(1, 2),
    Og: small(1, 2),
    k: fc.tuple(small(1, 3), small(1, 3)),
    stride: anyPair(1, 2),
    padding: anyPair(0, 2),
    dilation: anyPair(1, 2),
    extra: fc.tuple(small(0, 2), small(0, 2)),
  })
  .map(({ extra, ...g }) => {
    const [p, d] = [pairOf(g.padding), pairOf(g.dilation)];
    const min = (a: 0 | 1): number => Math.max(1, d[a] * (g.k[a] - 1) + 1 - 2 * p[a]);
    return { ...g, H: min(0) + extra[0], W: min(1) + extra[1] };
  })
  .filter((g) => fits(xShape(g), wShape(g)));

/** A case of input x, weight w and (when `bias`) a bias of `channels`, with params `p`. */
const convCase = <P>(x: number[], w: number[], bias: boolean, channels: number, p: P) =>
  caseOf(
    [floatArg(x, { layouts: true }), floatArg(w), ...(bias ? [floatArg([channels])] : [])],
    fc.constant(p),
  );
/** Channel counts and batch of the variant generators. */
const sizes = { N: small(1, 2), G: small(1, 2), Cg: small(1, 2), Og: small(1, 2) };

const biasOf = (xs: readonly (T.Tensor | undefined)[]): T.Tensor | null => xs[2] ?? null;
const refBias = (xs: readonly (RefTensor | undefined)[]): RefTensor | null => xs[2] ?? null;

/** 'same' (any input size, stride 1) or 'valid' (input ≥ window) padding, batched or not. */
const modeCases = fc
  .record({
    ...sizes,
    k: fc.tuple(small(1, 4), small(1, 3)),
    dilation: fc.tuple(small(1, 2), small(1, 2)),
    mode: fc.constantFrom("same" as const, "valid" as const),
    unbatched: fc.boolean(),
    extra: fc.tuple(small(0, 2), small(0, 2)),
    bias: fc.boolean(),
  })
  .map(({ extra, ...g }) => {
    const d = g.dilation;
    const min = (a: 0 | 1): number => (g.mode === "same" ? 1 : d[a] * (g.k[a] - 1) + 1);
    const x = [g.unbatched ? 1 : g.N, g.G * g.Cg, min(0) + extra[0], min(1) + extra[1]];
    const pad =
      g.mode === "same" ? [refSame(g.k[0], d[0]), refSame(g.k[1], d[1])] : symmetric([0, 0]);
    const geo: RefConv = { stride: [1, 1], pad: pad as RefConv["pad"], dilation: d, groups: g.G };
    return { ...g, x, w: [g.G * g.Og, g.Cg, ...g.k], geo };
  })
  .filter((g) => fits(g.x, g.w))
  .chain((g) => convCase(g.unbatched ? g.x.slice(1) : g.x, g.w, g.bias, g.w[0]!, g));

/** conv1d: int or 'same'/'valid' padding, groups, bias, batched or not. */
const conv1dCases = fc
  .record({
    ...sizes,
    k: small(1, 4),
    stride: small(1, 2),
    padding: fc.oneof(small(0, 2), fc.constantFrom("same" as const, "valid" as const)),
    dilation: small(1, 2),
    extra: small(0, 3),
    unbatched: fc.boolean(),
    bias: fc.boolean(),
  })
  .map(({ extra, ...g }) => {
    const pd = g.padding;
    const same = pd === "same";
    const lp: Pair = pd === "same" ? refSame(g.k, g.dilation) : pd === "valid" ? [0, 0] : [pd, pd];
    const L = Math.max(1, g.dilation * (g.k - 1) + 1 - lp[0] - lp[1]) + extra;
    const stride = same ? 1 : g.stride;
    const geo: RefConv = {
      stride: [1, stride],
      pad: [[0, 0], lp],
      dilation: [1, g.dilation],
      groups: g.G,
    };
    const x = [g.unbatched ? 1 : g.N, g.G * g.Cg, L];
    return { ...g, stride, x, w: [g.G * g.Og, g.Cg, g.k], geo };
  })
  .chain((g) => convCase(g.unbatched ? g.x.slice(1) : g.x, g.w, g.bias, g.w[0]!, g));

/** convTranspose2d: outputPadding below stride or dilation, positive output size. */
const transposeCases = fc
  .record({
    ...sizes,
    k: fc.tuple(small(1, 3), small(1, 3)),
    stride: fc.tuple(small(1, 3), small(1, 2)),
    padding: fc.tuple(small(0, 2), small(0, 1)),
    dilation: fc.tuple(small(1, 2), small(1, 2)),
    opRaw: fc.tuple(small(0, 2), small(0, 2)),
    H: small(1, 3),
    W: small(1, 3),
    bias: fc.boolean(),
  })
  .map((g) => {
    const lim = (a: 0 | 1): number => Math.max(g.stride[a], g.dilation[a]);
    const outputPadding: Pair = [g.opRaw[0] % lim(0), g.opRaw[1] % lim(1)];
    const geo: RefConv = {
      stride: g.stride,
      pad: symmetric(g.padding),
      dilation: g.dilation,
      groups: g.G,
    };
    const size = (I: number, a: 0 | 1): number =>
      (I - 1) * g.stride[a] -
      2 * g.padding[a] +
      g.dilation[a] * (g.k[a] - 1) +
      outputPadding[a] +
      1;
    const ok = size(g.H, 0) >= 1 && size(g.W, 1) >= 1;
    return {
      ...g,
      outputPadding,
      geo,
      ok,
      x: [g.N, g.G * g.Cg, g.H, g.W],
      w: [g.G * g.Cg, g.Og, ...g.k],
    };
  })
  .filter((g) => g.ok && fits(g.x, g.w, 48))
  .chain((g) => convCase(g.x, g.w, g.bias, g.G * g.Og, g));

/** Conv-family specs. */
export const CONV_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "conv2d (stride × padding × dilation × groups × kernel × batch, bias)",
    cases: fc
      .tuple(geos, fc.boolean())
      .chain(([g, b]) => convCase(xShape(g), wShape(g), b, g.G * g.Og, g)),
    fn: (xs, g) => T.conv2d(xs[0]!, xs[1]!, biasOf(xs), options(g)),
    ref: (xs, g) => conv2dRef(xs[0]!, xs[1]!, refBias(xs), refGeo(g)),
  }),
  defineSpec({
    name: "conv2d (padding 'same' / 'valid', batched and unbatched)",
    cases: modeCases,
    fn: (xs, g) =>
      T.conv2d(xs[0]!, xs[1]!, biasOf(xs), { padding: g.mode, dilation: g.dilation, groups: g.G }),
    ref: (xs, g) => {
      const y = conv2dRef(reshapeRef(xs[0]!, g.x), xs[1]!, refBias(xs), g.geo);
      return g.unbatched ? reshapeRef(y, y.shape.slice(1)) : y;
    },
  }),
  defineSpec({
    name: "conv1d (stride, padding incl. 'same'/'valid', dilation, groups, bias)",
    cases: conv1dCases,
    fn: (xs, g) =>
      T.conv1d(xs[0]!, xs[1]!, biasOf(xs), {
        stride: g.stride,
        padding: g.padding,
        dilation: g.dilation,
        groups: g.G,
      }),
    ref: (xs, g) => {
      const [x, w] = [
        reshapeRef(xs[0]!, [g.x[0]!, g.x[1]!, 1, g.x[2]!]),
        reshapeRef(xs[1]!, [g.w[0]!, g.w[1]!, 1, g.k]),
      ];
      const y = conv2dRef(x, w, refBias(xs), g.geo);
      return reshapeRef(y, [...(g.unbatched ? [] : [g.x[0]!]), y.shape[1]!, y.shape[3]!]);
    },
  }),
  defineSpec({
    name: "convTranspose2d (stride, padding, outputPadding, dilation, groups, bias)",
    cases: transposeCases,
    fn: (xs, g) =>
      T.convTranspose2d(xs[0]!, xs[1]!, biasOf(xs), {
        stride: g.stride,
        padding: g.padding,
        outputPadding: g.outputPadding,
        dilation: g.dilation,
        groups: g.G,
      }),
    ref: (xs, g) => convTranspose2dRef(xs[0]!, xs[1]!, refBias(xs), g.geo, g.outputPadding),
  }),
  defineSpec({
    name: "conv2dBackwardInput (as an op: grad, weight → input gradient)",
    cases: geos.chain((g) => caseOf([floatArg(outShape(g)), floatArg(wShape(g))], fc.constant(g))),
    fn: ([gy, w], g) => T.conv2dBackwardInput(gy!, w!, xShape(g), options(g)),
    ref: ([gy, w], g) => convInputGradRef(gy!, w!, xShape(g), refGeo(g)),
  }),
  defineSpec({
    name: "conv2dBackwardWeight (as an op: input, grad → weight gradient)",
    cases: geos.chain((g) =>
      caseOf([floatArg(xShape(g), { layouts: true }), floatArg(outShape(g))], fc.constant(g)),
    ),
    fn: ([x, gy], g) => T.conv2dBackwardWeight(x!, gy!, wShape(g), options(g)),
    ref: ([x, gy], g) => convWeightGradRef(x!, gy!, wShape(g), refGeo(g)),
  }),
];
