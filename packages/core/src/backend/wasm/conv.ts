import type { Conv2dParams, PartialBackend } from "../backend.js";
import { gemmScratchBytes, MADDS_PER_WORK } from "./matmul.js";
import { CHEAP, putInts } from "./operands.js";
import type { WasmRuntime } from "./runtime.js";

// Convolution as im2col + GEMM inside wasm (assembly/conv.ts has the matrices). Nothing of the
// size of the batch's im2col matrix is ever built: each unit of work (a sample's group, or a
// chunk of one) fills a slice of at most COLS_BYTES in its thread's scratch, in L2, and hands it
// to the GEMM. The chunking below may depend on the thread count (it only decides who computes
// which elements); the order of every sum is fixed by the shapes alone.

/** Bytes of im2col slice per unit of work: about half an L2 cache here. */
const COLS_BYTES = 1 << 19;
/** Units of work to aim for per thread, so chunks balance. */
const UNITS_PER_THREAD = 4;
/** The GEMM's K block: the backward weight's pixel blocks are multiples of it. */
const GEMM_KC = 256;

/** Sizes of one conv call; mirrors `Geometry` in assembly/conv.ts. */
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
 * How one conv call is cut (the fields of the same names in assembly/conv.ts): `chunks` and
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
 * The padded planes im2col reads (assembly/conv.ts, padPlanes): their row pitch, and the floats
 * they take for a slice of `pixels` output pixels (every channel of a group, every input row the
 * slice's taps reach, zeros around).
 */
function paddedPlanes(
  g: Geometry,
  p: Conv2dParams,
  pixels: number,
): { wp: number; floats: number } {
  if (pixels === 0) return { wp: 0, floats: 0 };
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const reach = (g.OW - 1) * sw + (g.kw - 1) * dw + 1 + (sw === 1 ? 3 : 0);
  const wp = Math.ceil(Math.max(p.padding[1] + g.W, reach) / 4) * 4;
  const outRows = Math.min(g.OH - 1, Math.floor((pixels - 1) / g.OW) + 1);
  const rows = outRows * sh + (g.kh - 1) * dh + 1;
  return { wp, floats: (g.C / g.G) * rows * wp };
}

/**
 * The float32 conv kernels: forward, input gradient and weight gradient of a 2-D convolution with
 * any stride, padding, dilation and groups, in wasm across the runtime's threads.
 */
export function convKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  const gemmBytes = gemmScratchBytes(rt);

  /** Runs export `fn` over operands already in the arena, with the geometry and scratch of `plan`. */
  function run(fn: string, g: Geometry, p: Conv2dParams, plan: Plan, operands: number[]): void {
    const padAt = gemmBytes + Math.ceil((plan.rows * plan.ld * 4) / 16) * 16;
    const padded = paddedPlanes(g, p, plan.pixels);
    const slotBytes = padAt + padded.floats * 4;
    const geometry = putInts(rt, [
      ...[g.N, g.C, g.H, g.W, g.O, g.OH, g.OW, g.kh, g.kw],
      ...[p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1]],
      ...[g.G, plan.chunks, plan.block, plan.ld, slotBytes, padded.wp, padAt],
    ]);
    const slots = rt.threads;
    const scratch = rt.arena.alloc(slots * slotBytes);
    const madds = g.N * g.O * g.OH * g.OW * (g.C / g.G) * g.kh * g.kw;
    const work = madds / MADDS_PER_WORK;
    rt.split(fn, [geometry, ...operands, scratch, slots], slots, work);
  }

  /** Units per (sample, group) so that `perUnitMax` fits a slice and every thread has work. */
  function chunksFor(g: Geometry, size: number, perUnitMax: number): number {
    const wanted = Math.ceil((UNITS_PER_THREAD * rt.threads) / (g.N * g.G));
    return Math.min(size, Math.max(Math.ceil(size / perUnitMax), wanted));
  }

  return {
    conv2d(x, weight, bias, outSize, p) {
      const [N, C, H, W] = x.shape as [number, number, number, number];
      const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
      const [OH, OW] = outSize;
      const g: Geometry = { N, C, H, W, O, OH, OW, kh, kw, G: p.groups };
      const P = OH * OW;
      const Kc = Cg * kh * kw;
      if (N * O * P === 0) return new Float32Array(N * O * P);
      // runs of whole output rows where they fit (im2col's fast path), else of 8 pixels
      const chunks = chunksFor(g, Math.ceil(P / 8), Math.max(1, COLS_BYTES / (Kc * 32)));
      const share = Math.ceil(P / chunks);
      const pixels = share >= OW ? Math.ceil(share / OW) * OW : Math.ceil(share / 8) * 8;
      const ld = pitch(pixels);
      return rt.arena.scope(() => {
        const xa = rt.put(x);
        const wa = rt.put(weight);
        const y = rt.arena.alloc(N * O * P * 4);
        run("conv2dF32", g, p, { chunks: 0, block: pixels, ld, rows: Kc, pixels }, [xa, wa, y]);
        if (bias) rt.split("channelBiasF32", [y, rt.put(bias), O, P], N * O, N * O * P * CHEAP);
        return rt.takeF32(y, N * O * P);
      });
    },

    conv2dBackwardInput(grad, weight, inSize, p) {
      const [N, O, OH, OW] = grad.shape as [number, number, number, number];
      const [, Cg, kh, kw] = weight.shape as [number, number, number, number];
      const C = Cg * p.groups;
      const g: Geometry = { N, C, H: inSize[0], W: inSize[1], O, OH, OW, kh, kw, G: p.groups };
      const size = N * C * g.H * g.W;
      if (size === 0) return new Float32Array(0);
      const ld = pitch(OH * OW);
      const chunks = chunksFor(g, Cg, Math.max(1, Math.floor(COLS_BYTES / (kh * kw * ld * 4))));
      const rows = Math.ceil(Cg / chunks) * kh * kw;
      return rt.arena.scope(() => {
        const ga = rt.put(grad);
        const wa = rt.put(weight);
        const dx = rt.arena.alloc(size * 4);
        const plan = { chunks, block: 0, ld, rows, pixels: 0 };
        run("conv2dBackwardInputF32", g, p, plan, [ga, wa, dx]);
        return rt.takeF32(dx, size);
      });
    },

    conv2dBackwardWeight(x, grad, kernelSize, p) {
      const [N, C, H, W] = x.shape as [number, number, number, number];
      const [, O, OH, OW] = grad.shape as [number, number, number, number];
      const [kh, kw] = kernelSize;
      const g: Geometry = { N, C, H, W, O, OH, OW, kh, kw, G: p.groups };
      const Kc = (C / p.groups) * kh * kw;
      const P = OH * OW;
      if (O * Kc * N * P === 0) return new Float32Array(O * Kc);
      // pixel blocks: a multiple of the GEMM's K block that keeps the slice small (shape-only)
      const fit = Math.floor(COLS_BYTES / (Kc * 4) / GEMM_KC) * GEMM_KC;
      const block = Math.min(P, Math.max(GEMM_KC, fit));
      const byRows = Math.ceil(O / p.groups / 4) >= Math.ceil(Kc / 8) ? 1 : 0;
      return rt.arena.scope(() => {
        const xa = rt.put(x);
        const ga = rt.put(grad);
        const dw = rt.arena.alloc(O * Kc * 4);
        const plan = { chunks: byRows, block, ld: pitch(block), rows: Kc, pixels: block };
        run("conv2dBackwardWeightF32", g, p, plan, [xa, ga, dw]);
        return rt.takeF32(dw, O * Kc);
      });
    },
  };
}
