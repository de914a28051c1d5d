// 2-D convolution (NCHW, float32) through the GEMM. For one image n and group g, the im2col matrix
// `cols` has a row per (channel, ki, kj) of the group's kernel (Kc = Cg·kh·kw rows) and a column
// per output pixel (P = OH·OW), so that
//   forward:          Yᵀ[P, Og] = colsᵀ[P, Kc] · Wᵀ[Kc, Og]   (conv2dPixelsF32: colsᵀ is packed
//                     straight from the padded input, Yᵀ's tiles are stored transposed into Y)
//   backward input:   with unit stride, a forward conv of dY with the flipped weights; else
//                     dcols = Wᵀ[Kc, Og] · dY[Og, P], then col2im adds dcols into dx
//   backward weight:  dW[Og, Kc] = Σₙ dY[Og, P] · colsᵀ[P, Kc]   (samples in order 0..N−1)
// Taps outside the input read as zeros. Each export deals independent units of work to `slots`
// slots and runs slots [start, end) with the scratch of slot `start`; no unit's arithmetic
// depends on which slot or thread runs it, so results are bitwise identical for any thread count.
import { Geometry, padPlanes, rowSpan } from "./conv-geometry";
import { f32At, gemm, GEMM_SCRATCH, slotStart } from "./gemm";

/** First output position whose tap at offset t (= k·dilation − padding) is not left of the input. */
// @ts-ignore: decorator
@inline
function firstValid(t: i32, stride: i32): i32 {
  return t >= 0 ? 0 : (stride - 1 - t) / stride;
}

/** One past the last output position (< outSize) whose tap at offset t lands before `size`; ≥ lo. */
// @ts-ignore: decorator
@inline
function endValid(t: i32, stride: i32, size: i32, outSize: i32, lo: i32): i32 {
  const last = size - 1 - t;
  return max(lo, last < 0 ? 0 : min(outSize, last / stride + 1));
}
/**
 * Rows [r0, r1) and output pixels [p0, p1) of the im2col matrix into `cols` (row r − r0 at
 * cols + (r − r0)·ld floats), from planes padded by padPlanes for channels from c0 and input rows
 * from p0's first tap row, `rows` of them. With unit column stride each output row is copied in
 * whole vectors, running up to 3 floats past its end (the next row overwrites them; the pitch
 * leaves room after the last).
 */
function im2col(
  g: Geometry,
  pad: usize,
  c0: i32,
  rows: i32,
  r0: i32,
  r1: i32,
  p0: i32,
  p1: i32,
  cols: usize,
): void {
  const OW = g.OW;
  const kk = g.kh * g.kw;
  const sw = g.sw;
  const oh0 = p0 / OW;
  // whole output rows with unit column stride (the common case): each row is a run of vectors
  const wholeRows = sw == 1 && p0 == oh0 * OW && (p1 % OW == 0 || p1 == g.OH * OW);
  const rowBytes = (<usize>OW) << 2;
  const srcStep = (<usize>(g.sh * g.wp)) << 2;
  for (let r = r0; r < r1; r++) {
    const c = r / kk;
    const ki = (r - c * kk) / g.kw;
    const kj = r - c * kk - ki * g.kw;
    // tap (ki, kj) of output pixel (oh, ow) in the padded planes: row (oh − oh0)·sh + ki·dh,
    // column ow·sw + kj·dw
    const tap = f32At(pad, ((c - c0) * rows + ki * g.dh) * g.wp + kj * g.dw);
    const row = f32At(cols, (r - r0) * g.ld - p0);
    if (wholeRows) {
      let src = tap;
      const end = f32At(row, p1);
      for (let out = f32At(row, p0); out < end; out += rowBytes, src += srcStep) {
        for (let v: usize = 0; v < rowBytes; v += 16) v128.store(out + v, v128.load(src + v));
      }
      continue;
    }
    for (let oh = oh0; oh * OW < p1; oh++) {
      const out = f32At(row, oh * OW); // output pixel (oh, ow) at out + ow
      const src = f32At(tap, (oh - oh0) * g.sh * g.wp);
      const a = max(0, p0 - oh * OW);
      const b = min(OW, p1 - oh * OW);
      if (sw == 1) {
        for (let ow = a; ow < b; ow += 4) v128.store(f32At(out, ow), v128.load(f32At(src, ow)));
      } else {
        for (let ow = a; ow < b; ow++) store<f32>(f32At(out, ow), load<f32>(f32At(src, ow * sw)));
      }
    }
  }
}

/** im2col of pixels [p0, p1) for rows [r0, r1) of image-and-group planes `x`, via `pad`. */
function im2colVia(
  g: Geometry,
  x: usize,
  pad: usize,
  r0: i32,
  r1: i32,
  p0: i32,
  p1: i32,
  cols: usize,
): void {
  const kk = g.kh * g.kw;
  const c0 = r0 / kk;
  const c1 = (r1 - 1) / kk + 1;
  const rows = rowSpan(g, p0, p1);
  padPlanes(g, x, c0, c1, (p0 / g.OW) * g.sh - g.ph, rows, pad);
  im2col(g, pad, c0, rows, r0, r1, p0, p1, cols);
}

/**
 * Adds rows [r0, r1) of a full-width (P columns) im2col-shaped matrix `cols` into the
 * image-and-group planes at `dx`. A pixel's sum runs over (ki, kj, oh, ow) in order.
 */
function col2im(g: Geometry, cols: usize, r0: i32, r1: i32, dx: usize): void {
  const OW = g.OW;
  const kk = g.kh * g.kw;
  const sw = g.sw;
  const srcStep = (<usize>OW) << 2;
  const dstStep = (<usize>(g.sh * g.W)) << 2;
  for (let r = r0; r < r1; r++) {
    const c = r / kk;
    const ki = (r - c * kk) / g.kw;
    const kj = r - c * kk - ki * g.kw;
    // output columns [lo, hi) and rows [ohLo, ohHi) whose tap (ki, kj) lands inside the input
    const tw = kj * g.dw - g.pw;
    const lo = min(OW, firstValid(tw, sw));
    const hi = endValid(tw, sw, g.W, OW, lo);
    const th = ki * g.dh - g.ph;
    const ohLo = min(g.OH, firstValid(th, g.sh));
    const ohHi = endValid(th, g.sh, g.H, g.OH, ohLo);
    const vecEnd = sw == 1 ? lo + ((hi - lo) & ~3) : lo;
    // output pixel (oh, ow) of this row at src + ow; its tap at dst + ow·sw
    let src = f32At(cols, (r - r0) * g.ld + ohLo * OW);
    let dst = f32At(dx, c * g.H * g.W + (ohLo * g.sh + th) * g.W + tw);
    for (let oh = ohLo; oh < ohHi; oh++, src += srcStep, dst += dstStep) {
      let ow = lo;
      for (; ow < vecEnd; ow += 4) {
        const d = f32At(dst, ow);
        v128.store(d, f32x4.add(v128.load(d), v128.load(f32At(src, ow))));
      }
      for (; ow < hi; ow++) {
        const d = f32At(dst, ow * sw);
        store<f32>(d, load<f32>(d) + load<f32>(f32At(src, ow)));
      }
    }
  }
}

/**
 * dx [N, C, H, W] = conv2dBackwardInput(dy [N, O, OH, OW], w [O, Cg, kh, kw]). Units: (sample,
 * group, chunk of input channels); each computes its channels' rows of dcols and adds them into
 * its own (zeroed) planes of dx, so no two units write the same element.
 */
export function conv2dBackwardInputF32(
  geometry: usize,
  dy: usize,
  w: usize,
  dx: usize,
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
  const HW = g.H * g.W;
  const per = (Cg + g.chunks - 1) / g.chunks;
  const units = g.N * g.G * g.chunks;
  const scr = scratch + <usize>start * <usize>g.slotBytes;
  const cols = scr + GEMM_SCRATCH;
  const u1 = slotStart(units, slots, end);
  for (let u = slotStart(units, slots, start); u < u1; u++) {
    const ng = u / g.chunks;
    const c0 = (u - ng * g.chunks) * per;
    const c1 = min(Cg, c0 + per);
    if (c0 >= c1) continue;
    const n = ng / g.G;
    const gi = ng - n * g.G;
    const r0 = c0 * kk;
    const r1 = c1 * kk;
    // Wᵀ rows r0..r1: element (r, o) of group gi at w[(gi·Og + o)·Kc + r]
    const wT = f32At(w, gi * Og * Kc + r0);
    const dyg = f32At(dy, (n * g.O + gi * Og) * P);
    gemm(r1 - r0, P, Og, wT, 1, Kc, dyg, P, 1, cols, g.ld, false, scr);
    const planes = f32At(dx, (n * g.C + gi * Cg + c0) * HW);
    memory.fill(planes, 0, <usize>((c1 - c0) * HW) << 2);
    col2im(g, cols, r0, r1, f32At(planes, -c0 * HW));
  }
}

/**
 * dw [O, Cg, kh, kw] = conv2dBackwardWeight(x [N, C, H, W], dy [N, O, OH, OW]), summed over the
 * batch in sample order. Units: (group, tile of dw) — tiles of 8 columns (kernel taps) when
 * `chunks` is 0, else of 4 rows (output channels); each unit accumulates every sample's GEMM
 * into its own block of dw, output pixels in blocks of `block`.
 */
export function conv2dBackwardWeightF32(
  geometry: usize,
  x: usize,
  dy: usize,
  dw: usize,
  scratch: usize,
  slots: i32,
  start: i32,
  end: i32,
): void {
  const g = changetype<Geometry>(geometry);
  const Cg = g.C / g.G;
  const Og = g.O / g.G;
  const Kc = Cg * g.kh * g.kw;
  const P = g.OH * g.OW;
  const byRows = g.chunks != 0;
  const step = byRows ? 4 : 8;
  const tiles = ((byRows ? Og : Kc) + step - 1) / step;
  const units = g.G * tiles;
  const scr = scratch + <usize>start * <usize>g.slotBytes;
  const cols = scr + GEMM_SCRATCH;
  const pad = scr + <usize>g.padAt;
  const u1 = slotStart(units, slots, end);
  for (let u = slotStart(units, slots, start); u < u1; ) {
    const gi = u / tiles;
    const t0 = u - gi * tiles;
    const t1 = min(tiles, t0 + u1 - u);
    u += t1 - t0;
    const i0 = byRows ? t0 * step : 0;
    const i1 = byRows ? min(Og, t1 * step) : Og;
    const j0 = byRows ? 0 : t0 * step;
    const j1 = byRows ? Kc : min(Kc, t1 * step);
    const out = f32At(dw, (gi * Og + i0) * Kc + j0);
    for (let n = 0; n < g.N; n++) {
      const xg = f32At(x, (n * g.C + gi * Cg) * g.H * g.W);
      const dyg = f32At(dy, (n * g.O + gi * Og + i0) * P);
      for (let p0 = 0; p0 < P; p0 += g.block) {
        const p1 = min(P, p0 + g.block);
        im2colVia(g, xg, pad, j0, j1, p0, p1, cols);
        // colsᵀ: element (p, j) at cols[j·ld + p]
        const acc = n > 0 || p0 > 0;
        gemm(i1 - i0, j1 - j0, p1 - p0, f32At(dyg, p0), P, 1, cols, 1, g.ld, out, Kc, acc, scr);
      }
    }
  }
}

/**
 * Adds `bias[o]` to every element of channel o, in place, for rows [start, end) of `y` viewed as
 * [N·O, P] (row r is channel r mod O): the conv's fused bias, one pass over cache-warm output.
 */
export function channelBiasF32(y: usize, bias: usize, O: i32, P: i32, start: i32, end: i32): void {
  for (let r = start; r < end; r++) {
    const b = load<f32>(bias + ((<usize>(r % O)) << 2));
    const bv = f32x4.splat(b);
    const row = y + ((<usize>r * <usize>P) << 2);
    let i = 0;
    for (; i + 4 <= P; i += 4) {
      const at = row + ((<usize>i) << 2);
      v128.store(at, f32x4.add(v128.load(at), bv));
    }
    for (; i < P; i++) {
      const at = row + ((<usize>i) << 2);
      store<f32>(at, load<f32>(at) + b);
    }
  }
}
