import type { Conv2dParams, PartialBackend } from "../backend.js";
import { gemmScratchBytes, MADDS_PER_WORK } from "./matmul.js";
import { contiguousStrides, numelOf } from "../../shape.js";
import { CHEAP, putInts } from "./operands.js";
import { PIECES_PER_THREAD } from "./pool-protocol.js";
import { putReduceGeometry, REDUCE } from "./reduce.js";
import type { WasmRuntime } from "./runtime.js";

// Convolution through the GEMM inside wasm (assembly/conv.ts has the matrices, conv-pixels.ts the
// forward; 5×5 unit-stride convs with enough input channels take Winograd in conv-winograd.ts:
// F(2×2, 5×5) for the forward and input gradient, F(5×5, 2×2) for the weight gradient; 36
// multiply-adds per 2×2 outputs instead of 100, rounding errors ≈ 20× a direct sum's, within 1e-4
// of the sum of |products|). Nothing of the size of the batch's im2col matrix is ever built: each unit of work (a
// sample's group, or a chunk of one) packs a slice of at most COLS_BYTES (PACKED_BYTES for the
// forward) in its thread's scratch, in L2, for the GEMM. The chunking below may depend on the thread count (it only decides who computes
// which elements); the order of every sum is fixed by the shapes alone.

/** Bytes of im2col slice per unit of work: about half an L2 cache here. */
const COLS_BYTES = 1 << 19;
/** Units of work to aim for per thread, so chunks balance. */
const UNITS_PER_THREAD = 4;
/** The GEMM's K block: the backward weight's pixel blocks are multiples of it. */
const GEMM_KC = 256;
/** The GEMM's register tile (assembly/gemm.ts): MR rows (here pixels) × NR columns (channels). */
const MR = 4;
const NR = 8;
/** Bytes of a slot's edge tile (MR × NR floats), at the start of conv2dPixelsF32's scratch. */
const EDGE_BYTES = MR * NR * 4;
/**
 * conv2dPixelsF32's K block: the most taps summed per packed block (a B panel of KC_MAX × NR
 * floats, 16 KB, stays in L1), and the bytes of packed pixels per unit of work (in L2).
 */
const KC_MAX = 512;
const PACKED_BYTES = 1 << 18;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** The scalar fields of `Geometry` in assembly/conv-geometry.ts past the shapes and conv parameters. */
interface GeometryFields {
  chunks: number;
  block: number;
  ld: number;
  slotBytes: number;
  wp: number;
  padAt: number;
  kc: number;
  tapAt: number;
  packAt: number;
  planeRows: number;
}

/** Sizes of one conv call; mirrors `Geometry` in assembly/conv-geometry.ts. */
interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  OH: number;
  OW: number;
  kh: number;
  kw: number;
  G: number;
}

/**
 * Row pitch for an im2col slice `cols` wide: room for the 3 floats the vector copies run past a
 * row, a multiple of 4 floats, never a multiple of 64 (power-of-two pitches alias in cache).
 */
function pitch(cols: number): number {
  const ld = Math.ceil((cols + 3) / 4) * 4;
  return ld % 64 === 0 ? ld + 4 : ld;
}

/**
 * How one conv call is cut (the fields of the same names in assembly/conv-geometry.ts): `chunks` and
 * `block` as the kernel reads them, the cols pitch `ld` and row count, and the most output pixels
 * one im2col slice covers (0 when the kernel builds none).
 */
interface Plan {
  chunks: number;
  block: number;
  ld: number;
  rows: number;
  pixels: number;
}

/**
 * The padded planes im2col reads (assembly/conv-geometry.ts, padPlanes): their row pitch, and the floats
 * they take for a slice of `pixels` output pixels (every channel of a group, every input row the
 * slice's taps reach, zeros around).
 */
function paddedPlanes(
  g: Geometry,
  p: Conv2dParams,
  pixels: number,
): { wp: number; rows: number; floats: number } {
  if (pixels === 0) return { wp: 0, rows: 0, floats: 0 };
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const reach = (g.OW - 1) * sw + (g.kw - 1) * dw + 1 + (sw === 1 ? 3 : 0);
  const wp = Math.ceil(Math.max(p.padding[1] + g.W, reach) / 4) * 4;
  const outRows = Math.min(g.OH - 1, Math.floor((pixels - 1) / g.OW) + 1);
  const rows = outRows * sh + (g.kh - 1) * dh + 1;
  return { wp, rows, floats: (g.C / g.G) * rows * wp };
}

/** The most scratch a thread may take for a Winograd call (its whole working set, kept in L2). */
const WINOGRAD_SLOT_MAX = 1 << 20;
/**
 * Fixed runs of samples the Winograd weight gradient sums apart (then adds in order): units of
 * work that do not depend on the thread count, so neither do the bits.
 */
const WINOGRAD_WEIGHT_CHUNKS = 4;
/** Input channels below which the Winograd GEMMs (K = input channels) are too thin to pay. */
const WINOGRAD_MIN_CHANNELS = 8;

/** The geometry of the conv whose input gradient of size `inSize` comes from `grad` and `weight`. */
function inputGradientGeometry(
  grad: readonly number[],
  weight: readonly number[],
  [H, W]: readonly [number, number],
  p: Conv2dParams,
): Geometry {
  const [N, O, OH, OW] = grad as [number, number, number, number];
  const [, Cg, kh, kw] = weight as [number, number, number, number];
  return { N, C: Cg * p.groups, H, W, O, OH, OW, kh, kw, G: p.groups };
}

/** The geometry of the conv whose weight gradient of `kernelSize` comes from `x` and `grad`. */
function weightGradientGeometry(
  x: readonly number[],
  grad: readonly number[],
  [kh, kw]: readonly [number, number],
  p: Conv2dParams,
): Geometry {
  const [N, C, H, W] = x as [number, number, number, number];
  const [, O, OH, OW] = grad as [number, number, number, number];
  return { N, C, H, W, O, OH, OW, kh, kw, G: p.groups };
}

/**
 * The float32 conv kernels: forward, input gradient and weight gradient of a 2-D convolution with
 * any stride, padding, dilation and groups, in wasm across the runtime's threads.
 */
export function convKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  const gemmBytes = gemmScratchBytes(rt);

  /**
   * Slots of scratch (and of work) a call deals out: one a thread, or PIECES_PER_THREAD a thread
   * for kernels whose units are independent of the slots (the pool's threads claim them in turn,
   * so a thread the system delays takes fewer); 1 without a pool.
   */
  const slotsFor = (perThread: number): number => (rt.threads > 1 ? rt.threads * perThread : 1);

  /**
   * Writes `Geometry` (assembly/conv-geometry.ts) into the arena, allocates `slotBytes` of scratch
   * per slot and runs export `fn` over the operands across the threads.
   */
  function launch(
    fn: string,
    g: Geometry,
    p: Conv2dParams,
    fields: Omit<GeometryFields, "slotBytes">,
    slotBytes: number,
    operands: number[],
    perThread = 1,
  ): void {
    const f = { ...fields, slotBytes };
    const geometry = putInts(rt, [
      ...[g.N, g.C, g.H, g.W, g.O, g.OH, g.OW, g.kh, g.kw],
      ...[p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1]],
      ...[g.G, f.chunks, f.block, f.ld, f.slotBytes, f.wp, f.padAt],
      ...[f.kc, f.tapAt, f.packAt, f.planeRows],
    ]);
    const slots = slotsFor(perThread);
    const scratch = rt.arena.alloc(slots * slotBytes);
    const madds = g.N * g.O * g.OH * g.OW * (g.C / g.G) * g.kh * g.kw;
    const work = madds / MADDS_PER_WORK;
    rt.split(fn, [geometry, ...operands, scratch, slots], slots, work);
  }

  /** Runs an im2col-slice export (`conv2dBackward*F32`) with the scratch of `plan`. */
  function run(fn: string, g: Geometry, p: Conv2dParams, plan: Plan, operands: number[]): void {
    const padAt = gemmBytes + align16(plan.rows * plan.ld * 4);
    const padded = paddedPlanes(g, p, plan.pixels);
    const fields = { ...plan, wp: padded.wp, padAt, kc: 0, tapAt: 0, packAt: 0 };
    launch(fn, g, p, { ...fields, planeRows: padded.rows }, padAt + padded.floats * 4, operands);
  }

  /**
   * Whether a conv of geometry `g` (input channels g.C) has Winograd's shape: 5×5 taps, unit
   * stride and dilation, one group, enough input channels (each kernel also needs its scratch to
   * fit a thread's cache).
   */
  function winogradShape(g: Geometry, p: Conv2dParams): boolean {
    const unit = (pair: readonly [number, number]): boolean => pair[0] === 1 && pair[1] === 1;
    return (
      g.kh === 5 &&
      g.kw === 5 &&
      g.G === 1 &&
      unit(p.stride) &&
      unit(p.dilation) &&
      g.C >= WINOGRAD_MIN_CHANNELS
    );
  }

  /** Scratch bytes a slot of the Winograd forward of `g` takes, or null where it does not run. */
  function winogradForwardSlot(g: Geometry, p: Conv2dParams): number | null {
    if (!winogradShape(g, p)) return null;
    const bytes = rt.exports["winogradScratchBytes"]!(g.C, g.O, g.OH, g.OW);
    return bytes <= WINOGRAD_SLOT_MAX ? bytes : null;
  }

  /**
   * Scratch bytes a slot of the Winograd weight gradient of `g` takes, or null where it does not
   * run: also only where every tap sees most of the input (Winograd's sums over all tiles mix the
   * taps, so a tap's rounding error scales with the largest tap's sum, and a tap that sees little
   * besides padding would lose its relative accuracy, or its exact zero).
   */
  function winogradWeightSlot(g: Geometry, p: Conv2dParams): number | null {
    const [ph, pw] = p.padding;
    const everyTapSeesInput = (g.OH - ph) * (g.OW - pw) >= (g.OH * g.OW) / 2;
    if (!winogradShape(g, p) || !everyTapSeesInput) return null;
    const bytes = rt.exports["winogradWeightScratchBytes"]!(g.O, g.OH, g.OW);
    return bytes <= WINOGRAD_SLOT_MAX ? bytes : null;
  }

  /**
   * Runs conv2dWinogradF32: y [N, O, OH, OW] from x in the arena and the conv weights at `w` (with
   * `flip`, the input gradient's: the weights of `g` transposed and mirrored), transformed first.
   */
  function winogradConv(
    g: Geometry,
    p: Conv2dParams,
    slotBytes: number,
    x: number,
    w: number,
    flip: boolean,
    bias: number,
  ): number {
    const y = rt.arena.alloc(g.N * g.O * g.OH * g.OW * 4);
    const ua = rt.arena.alloc(36 * Math.ceil(g.O / NR) * NR * g.C * 4);
    const tmp = rt.arena.alloc(72 * 8);
    const [O, C] = flip ? [g.C, g.O] : [g.O, g.C];
    rt.exports["winogradWeightsF32"]!(w, O, C, flip ? 1 : 0, ua, tmp);
    const slots = slotsFor(PIECES_PER_THREAD);
    const scratch = rt.arena.alloc(slots * slotBytes);
    const args = [g.N, g.C, g.H, g.W, g.O, g.OH, g.OW, p.padding[0], p.padding[1]];
    const madds = g.N * g.O * g.OH * g.OW * g.C * 25;
    rt.split(
      "conv2dWinogradF32",
      [...args, x, ua, bias, y, scratch, slotBytes, slots],
      slots,
      madds / MADDS_PER_WORK,
    );
    return y;
  }

  /**
   * Runs conv2dWinogradWeightF32 then its finish: dW [O, C, 5, 5] from x and the output gradient
   * in the arena. The samples are summed in WINOGRAD_WEIGHT_CHUNKS fixed runs, each a unit of work
   * of its own, so the threads share the work evenly (a run of input channels alone made two units
   * for the convnet's conv2, and one thread waited for the other).
   */
  function winogradWeightGradient(
    g: Geometry,
    p: Conv2dParams,
    slotBytes: number,
    x: number,
    dy: number,
  ): number {
    const dw = rt.arena.alloc(g.O * g.C * 25 * 4);
    const chunks = Math.min(g.N, WINOGRAD_WEIGHT_CHUNKS);
    const runs = Math.ceil(g.C / NR);
    const partials = rt.arena.alloc(runs * chunks * rt.exports["winogradWeightPartialBytes"]!(g.O));
    const slots = slotsFor(PIECES_PER_THREAD);
    const scratch = rt.arena.alloc(slots * slotBytes);
    const args = [g.N, g.C, g.H, g.W, g.O, g.OH, g.OW, p.padding[0], p.padding[1], x, dy];
    const madds = g.N * g.O * g.OH * g.OW * g.C * 25;
    rt.split(
      "conv2dWinogradWeightF32",
      [...args, partials, chunks, scratch, slotBytes, slots],
      slots,
      madds / MADDS_PER_WORK,
    );
    const finish = rt.arena.alloc(rt.exports["winogradWeightFinishScratchBytes"]!());
    rt.exports["conv2dWinogradWeightFinishF32"]!(g.C, g.O, partials, chunks, dw, finish);
    return dw;
  }

  /**
   * Runs conv2dPixelsF32: y [N, O, OH, OW] from x [N, C, H, W] in the arena and weights packed by
   * packConvWeightsF32 (`flip` for the input gradient's flipped weights). Units of work are runs
   * of whole MR-pixel panels whose packed taps stay within PACKED_BYTES.
   */
  function pixelsConv(
    g: Geometry,
    p: Conv2dParams,
    x: number,
    w: number,
    flip: boolean,
    bias: number,
  ): number {
    const Kc = (g.C / g.G) * g.kh * g.kw;
    const kc = Math.ceil(Kc / Math.ceil(Kc / KC_MAX));
    const P = g.OH * g.OW;
    const panels = Math.ceil(P / MR);
    const fit = Math.max(1, Math.floor(PACKED_BYTES / (kc * MR * 4)));
    const chunks = chunksFor(g, panels, fit);
    const block = Math.ceil(panels / chunks) * MR;
    const packedW = rt.arena.alloc(p.groups * Math.ceil(g.O / p.groups / NR) * NR * Kc * 4);
    const [O, Cg] = flip ? [g.C, g.O / g.G] : [g.O, g.C / g.G];
    rt.exports["packConvWeightsF32"]!(w, O, Cg, g.kh, g.kw, g.G, flip ? 1 : 0, packedW);
    const y = rt.arena.alloc(g.N * g.O * P * 4);
    if (Kc === 0) {
      // no input channels: the output is the bias alone
      rt.arena.f32(y, g.N * g.O * P).fill(0);
      if (bias !== 0) rt.exports["channelBiasF32"]!(y, bias, g.O, P, 0, g.N * g.O);
      return y;
    }
    const padded = paddedPlanes(g, p, block);
    const tapAt = EDGE_BYTES;
    const packAt = tapAt + align16(Kc * 4);
    const padAt = packAt + align16(Math.ceil(block / MR) * kc * MR * 4);
    const fields = { chunks: 0, block, ld: 0, wp: padded.wp, padAt, kc, tapAt, packAt };
    const slotBytes = padAt + padded.floats * 4;
    const planes = { ...fields, planeRows: padded.rows };
    launch("conv2dPixelsF32", g, p, planes, slotBytes, [x, packedW, y, bias], PIECES_PER_THREAD);
    return y;
  }

  /** Units per (sample, group) so that `perUnitMax` fits a slice and every thread has work. */
  function chunksFor(g: Geometry, size: number, perUnitMax: number): number {
    const wanted = Math.ceil((UNITS_PER_THREAD * rt.threads) / (g.N * g.G));
    return Math.min(size, Math.max(Math.ceil(size / perUnitMax), wanted));
  }

  /**
   * The input gradient of the conv of geometry `g` (its input [N, C, H, W], output [N, O, OH, OW])
   * from the output gradient at `ga` and the weights at `wa` in the arena: its address.
   */
  function inputGradient(g: Geometry, p: Conv2dParams, ga: number, wa: number): number {
    const { N, O, OH, OW, kh, kw } = g;
    const Cg = g.C / g.G;
    const [dh, dw] = p.dilation;
    const flipped: [number, number] = [dh * (kh - 1) - p.padding[0], dw * (kw - 1) - p.padding[1]];
    // with unit stride the input gradient is a convolution of the output gradient with the
    // flipped, transposed weights (padding k − 1 − p): the forward paths, no col2im scatter
    const asConv = p.stride[0] === 1 && p.stride[1] === 1 && flipped[0] >= 0 && flipped[1] >= 0;
    const t: Geometry = { N, C: O, H: OH, W: OW, O: g.C, OH: g.H, OW: g.W, kh, kw, G: g.G };
    const tp: Conv2dParams = { ...p, padding: flipped };
    const slot = asConv ? winogradForwardSlot(t, tp) : null;
    if (slot !== null) return winogradConv(t, tp, slot, ga, wa, true, 0);
    // (the pixel GEMM: worth it while its NR-channel panels are mostly real channels)
    const panelWaste = (Math.ceil(Cg / NR) * NR) / Cg;
    if (asConv && panelWaste <= 4 / 3) return pixelsConv(t, tp, ga, wa, true, 0);
    const ld = pitch(OH * OW);
    const chunks = chunksFor(g, Cg, Math.max(1, Math.floor(COLS_BYTES / (kh * kw * ld * 4))));
    const rows = Math.ceil(Cg / chunks) * kh * kw;
    const dx = rt.arena.alloc(N * g.C * g.H * g.W * 4);
    const plan = { chunks, block: 0, ld, rows, pixels: 0 };
    run("conv2dBackwardInputF32", g, p, plan, [ga, wa, dx]);
    return dx;
  }

  /**
   * The weight gradient of the conv of geometry `g` from its input at `xa` and the output
   * gradient at `ga` in the arena (N·OH·OW ≥ 1): its address.
   */
  function weightGradient(g: Geometry, p: Conv2dParams, xa: number, ga: number): number {
    const slot = winogradWeightSlot(g, p);
    if (slot !== null) return winogradWeightGradient(g, p, slot, xa, ga);
    const Kc = (g.C / g.G) * g.kh * g.kw;
    // pixel blocks: a multiple of the GEMM's K block that keeps the slice small (shape-only)
    const fit = Math.floor(COLS_BYTES / (Kc * 4) / GEMM_KC) * GEMM_KC;
    const block = Math.min(g.OH * g.OW, Math.max(GEMM_KC, fit));
    // split by taps, so that each thread builds only its own columns of im2col, unless the taps
    // make too few tiles to share and the channels more (splitting by channels repeats im2col)
    const rowTiles = Math.ceil(g.O / g.G / 4);
    const colTiles = Math.ceil(Kc / 8);
    const byRows = colTiles < 4 && rowTiles > colTiles ? 1 : 0;
    const dw = rt.arena.alloc(g.O * Kc * 4);
    const plan = { chunks: byRows, block, ld: pitch(block), rows: Kc, pixels: block };
    run("conv2dBackwardWeightF32", g, p, plan, [xa, ga, dw]);
    return dw;
  }

  return {
    conv2d(x, weight, bias, outSize, p) {
      const [N, C, H, W] = x.shape as [number, number, number, number];
      const [O, , kh, kw] = weight.shape as [number, number, number, number];
      const [OH, OW] = outSize;
      const g: Geometry = { N, C, H, W, O, OH, OW, kh, kw, G: p.groups };
      const P = OH * OW;
      if (N * O * P === 0) return new Float32Array(N * O * P);
      return rt.arena.scope(() => {
        const xa = rt.put(x);
        const wa = rt.put(weight);
        const slot = winogradForwardSlot(g, p);
        if (slot !== null) {
          const y = winogradConv(g, p, slot, xa, wa, false, bias ? rt.put(bias) : 0);
          return rt.takeF32(y, N * O * P);
        }
        const y = pixelsConv(g, p, xa, wa, false, bias ? rt.put(bias) : 0);
        return rt.takeF32(y, N * O * P);
      });
    },

    conv2dBackwardInput(grad, weight, inSize, p) {
      const g = inputGradientGeometry(grad.shape, weight.shape, inSize, p);
      const size = g.N * g.C * g.H * g.W;
      if (size === 0) return new Float32Array(0);
      return rt.arena.scope(() =>
        rt.takeF32(inputGradient(g, p, rt.put(grad), rt.put(weight)), size),
      );
    },

    conv2dBackwardWeight(x, grad, kernelSize, p) {
      const g = weightGradientGeometry(x.shape, grad.shape, kernelSize, p);
      const size = g.O * (g.C / g.G) * g.kh * g.kw;
      if (size === 0) return new Float32Array(0);
      if (g.N * g.OH * g.OW === 0) return new Float32Array(size);
      return rt.arena.scope(() => rt.takeF32(weightGradient(g, p, rt.put(x), rt.put(grad)), size));
    },

    conv2dBackward(x, weight, grad, p, needs) {
      // the conv's geometry, which both gradients share
      const kSize: [number, number] = [weight.shape[2]!, weight.shape[3]!];
      const g = weightGradientGeometry(x.shape, grad.shape, kSize, p);
      const inputSize = g.N * g.C * g.H * g.W;
      const weightSize = g.O * (g.C / g.G) * g.kh * g.kw;
      const O = g.O;
      const n = numelOf(grad.shape);
      if (inputSize === 0 || weightSize === 0 || n === 0) return null; // the kernels apart
      // grad copied in once for every gradient asked
      return rt.arena.scope(() => {
        const ga = rt.put(grad);
        let gradBias: Float32Array | null = null;
        if (needs.bias) {
          const out = rt.arena.alloc(O * 4);
          // reduce's own kernel, geometry and split: the bits of reduce("sum", grad, [0, 2, 3])
          const geometry = putReduceGeometry(rt, grad, contiguousStrides(grad.shape), [0, 2, 3]);
          rt.split("reduceF32", [REDUCE.sum, ga, out, geometry], O, n * CHEAP, O >= 8 ? 4 : 1);
          gradBias = rt.takeF32(out, O);
        }
        const gradWeight = needs.weight
          ? rt.arena.scope(() => rt.takeF32(weightGradient(g, p, rt.put(x), ga), weightSize))
          : null;
        const gradInput = needs.input
          ? rt.arena.scope(() => rt.takeF32(inputGradient(g, p, ga, rt.put(weight)), inputSize))
          : null;
        return { gradInput, gradWeight, gradBias };
      });
    },
  };
}
