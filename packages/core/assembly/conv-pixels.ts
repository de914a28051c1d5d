// The conv forward as a GEMM whose rows are output pixels (conv2dPixelsF32; also the unit-stride
// input gradient, with the weights packed flipped): im2col fused into the A packing, tiles stored
// transposed into the output's channel planes. See conv.ts for the matrices.
import { Geometry, padPlanes, rowSpan } from "./conv-geometry";
import { f32At, MR, NR, slotStart, tile } from "./gemm";

/**
 * Packs weights w [O, Cg, kh, kw] as the B operand of {@link conv2dPixelsF32}: per group, panels
 * of NR output channels, k-major (group gi, panel q, step k at dst + ((gi·panels + q)·K + k)·NR
 * floats), channels past the group's end zero. With `flip`, the weights of the input gradient as
 * a convolution instead: W′[c, o, ki, kj] = W[o, c, kh−1−ki, kw−1−kj] within each group.
 */
export function packConvWeightsF32(
  w: usize,
  O: i32,
  Cg: i32,
  kh: i32,
  kw: i32,
  G: i32,
  flip: bool,
  dst: usize,
): void {
  const Og = O / G;
  const kk = kh * kw;
  const outs = flip ? Cg : Og;
  const K = (flip ? Og : Cg) * kk;
  const panels = (outs + NR - 1) / NR;
  for (let gi = 0; gi < G; gi++) {
    for (let q = 0; q < panels; q++) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < NR; j++, dst += 4) {
          const oc = q * NR + j;
          let v: f32 = 0;
          if (oc < outs) {
            if (flip) {
              const o = k / kk;
              const t = k - o * kk;
              v = load<f32>(f32At(w, ((gi * Og + o) * Cg + oc) * kk + kk - 1 - t));
            } else {
              v = load<f32>(f32At(w, (gi * Og + oc) * K + k));
            }
          }
          store<f32>(dst, v);
        }
      }
    }
  }
}

/** Where output pixel p's taps start in the padded planes of a unit whose first row is oh0. */
// @ts-ignore: decorator
@inline
function pixelBase(g: Geometry, pad: usize, p: i32, oh0: i32): usize {
  const oh = p / g.OW;
  return f32At(pad, (oh - oh0) * g.sh * g.wp + (p - oh * g.OW) * g.sw);
}

/**
 * Packs taps [k0, k0 + kc) of output pixels [p0, p1) as the A operand of the GEMM: panels of MR
 * pixels, k-major (panel i, step k at dst + (i·kc + k − k0)·MR floats), read from the padded
 * planes through the tap table (tap k at offset taps[k] floats from a pixel's base). Pixels past
 * p1 repeat the last one (their results are never stored).
 */
function packPixels(
  g: Geometry,
  pad: usize,
  taps: usize,
  kc: i32,
  p0: i32,
  p1: i32,
  oh0: i32,
  dst: usize,
): void {
  const tapEnd = taps + (<usize>kc << 2);
  for (let p = p0; p < p1; p += MR) {
    const b0 = pixelBase(g, pad, p, oh0);
    const ow = p - (p / g.OW) * g.OW;
    if (g.sw == 1 && ow + MR <= g.OW && p + MR <= p1) {
      // four neighbours in one output row: one vector per tap
      for (let t = taps; t < tapEnd; t += 4, dst += 16) {
        v128.store(dst, v128.load(b0 + (<usize>load<i32>(t) << 2)));
      }
      continue;
    }
    const b1 = pixelBase(g, pad, min(p + 1, p1 - 1), oh0);
    const b2 = pixelBase(g, pad, min(p + 2, p1 - 1), oh0);
    const b3 = pixelBase(g, pad, min(p + 3, p1 - 1), oh0);
    for (let t = taps; t < tapEnd; t += 4, dst += 16) {
      const o = <usize>load<i32>(t) << 2;
      let v = f32x4.splat(load<f32>(b0 + o));
      v = f32x4.replace_lane(v, 1, load<f32>(b1 + o));
      v = f32x4.replace_lane(v, 2, load<f32>(b2 + o));
      v = f32x4.replace_lane(v, 3, load<f32>(b3 + o));
      v128.store(dst, v);
    }
  }
}

/**
 * y [N, O, OH, OW] = conv2d(x [N, C, H, W], w) with the weights packed by packConvWeightsF32, as a
 * GEMM whose rows are output pixels and whose columns are output channels: im2col is fused into
 * the A packing (one vector load per tap for four neighbouring pixels) and the tiles are stored
 * transposed, straight into y's channel planes. Units: (sample, group, run of `block` output
 * pixels); taps are summed in K blocks of `kc`, in order, whatever the thread. With `bias` (0:
 * none), bias[o] is added to each unit's outputs after its last K block, while they are in cache.
 */
export function conv2dPixelsF32(
  geometry: usize,
  x: usize,
  packedW: usize,
  y: usize,
  bias: usize,
  scratch: usize,
  slots: i32,
  start: i32,
  end: i32,
): void {
  const g = changetype<Geometry>(geometry);
  const Cg = g.C / g.G;
  const Og = g.O / g.G;
  const kk = g.kh * g.kw;
  const Kc = Cg * kk;
  const P = g.OH * g.OW;
  const per = g.block;
  const chunks = (P + per - 1) / per;
  const units = g.N * g.G * chunks;
  const panels = (Og + NR - 1) / NR;
  const scr = scratch + <usize>start * <usize>g.slotBytes;
  const edge = scr;
  const taps = scr + <usize>g.tapAt;
  const packed = scr + <usize>g.packAt;
  const pad = scr + <usize>g.padAt;
  const ldc = (<usize>P) << 2;
  // tap k = (c, ki, kj): its offset in the padded planes from a pixel's base
  for (let k = 0; k < Kc; k++) {
    const c = k / kk;
    const ki = (k - c * kk) / g.kw;
    const kj = k - c * kk - ki * g.kw;
    store<i32>(taps + (<usize>k << 2), (c * g.planeRows + ki * g.dh) * g.wp + kj * g.dw);
  }
  const u1 = slotStart(units, slots, end);
  for (let u = slotStart(units, slots, start); u < u1; u++) {
    const ng = u / chunks;
    const p0 = (u - ng * chunks) * per;
    const p1 = min(P, p0 + per);
    const n = ng / g.G;
    const gi = ng - n * g.G;
    const oh0 = p0 / g.OW;
    const planes = f32At(x, (n * g.C + gi * Cg) * g.H * g.W);
    padPlanes(g, planes, 0, Cg, oh0 * g.sh - g.ph, rowSpan(g, p0, p1), pad, g.planeRows);
    const yo = f32At(y, (n * g.O + gi * Og) * P);
    const wg = f32At(packedW, gi * panels * Kc * NR);
    for (let k0 = 0; k0 < Kc; k0 += g.kc) {
      const kc = min(g.kc, Kc - k0);
      const panelBytes = <usize>kc << 4;
      packPixels(g, pad, taps + (<usize>k0 << 2), kc, p0, p1, oh0, packed);
      for (let q = 0; q < panels; q++) {
        const pb = f32At(wg, (q * Kc + k0) * NR);
        const cols = min(NR, Og - q * NR);
        const yq = f32At(yo, q * NR * P);
        let pa = packed;
        for (let p = p0; p < p1; p += MR, pa += panelBytes) {
          tile(kc, pa, pb, f32At(yq, p), ldc, min(MR, p1 - p), cols, k0 > 0, edge, true);
        }
      }
    }
    if (bias != 0) {
      for (let o = 0; o < Og; o++) {
        addToRun(f32At(yo, o * P + p0), p1 - p0, load<f32>(f32At(bias, gi * Og + o)));
      }
    }
  }
}

/** Adds `b` to the `n` floats at `at`. */
// @ts-ignore: decorator
@inline
function addToRun(at: usize, n: i32, b: f32): void {
  const bv = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = at + (<usize>i << 2);
    v128.store(a, f32x4.add(v128.load(a), bv));
  }
  for (; i < n; i++) {
    const a = at + (<usize>i << 2);
    store<f32>(a, load<f32>(a) + b);
  }
}
