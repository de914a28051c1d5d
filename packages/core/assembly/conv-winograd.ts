// A 5×5, stride-1 convolution by Winograd's minimal filtering F(2×2, 5×5): each 2×2 block of
// output ("tile") comes from a 6×6 input patch with 36 multiply-adds per (input, output) channel
// pair instead of 100. Per sample: the patches are transformed (V = Bᵀ·d·B), 36 small GEMMs
// multiply them with the transformed weights (M[e] = V[e]·U[e], over the input channels), and
// each tile is transformed back (y = Aᵀ·M·A). With these points (0, ±1, ±2, ∞) and Bᵀ scaled to
// integers (the scale is folded into U, which JavaScript computes in float64):
//
//   Bᵀ = [4  0 −5  0  1  0]     Aᵀ = [1  1  1  1  1  0]
//        [0  4  4 −1 −1  0]          [0  1 −1  2 −2  1]
//        [0 −4  4  1 −1  0]
//        [0 −2 −1  2  1  0]     U = G′·w·G′ᵀ, G′ = diag(1/4, 1/6, 1/6, 1/24, 1/24, 1)·G,
//        [0  2 −1 −2  1  0]     G's rows: powers 0…4 of 0, 1, −1, 2, −2, then (0 0 0 0 1)
//        [0  4  0 −5  0  1]
//
// Four horizontally neighbouring tiles share each vector's lanes, so a row of tiles is processed
// in groups of four (a row's last group may run past the output; those lanes are not stored).
// The order of every sum depends on the shapes alone: results do not depend on the thread count.
import { f32At, MR, NR, slotStart, tile } from "./gemm";

/** Tiles per vector (the GEMM's MR rows are four tiles). */
export const LANES = 4;

/** Tile rows of an output of OH rows (two rows a tile). */
// @ts-ignore: decorator
@inline
export function tileRows(OH: i32): i32 {
  return (OH + 1) >> 1;
}

/** Groups of four tiles per tile row of an output OW wide (two columns a tile). */
// @ts-ignore: decorator
@inline
export function tileGroups(OW: i32): i32 {
  return (((OW + 1) >> 1) + LANES - 1) / LANES;
}

/** A slot's scratch: the edge tile, then the padded planes, the row transforms, V, and M. */
// @ts-ignore: decorator
@inline
function planesAt(): i32 {
  return MR * NR * 4;
}
// @ts-ignore: decorator
@inline
function rowsAt(C: i32, OH: i32, OW: i32): i32 {
  return planesAt() + C * (2 * tileRows(OH) + 4) * (8 * tileGroups(OW) + 4) * 4;
}
// @ts-ignore: decorator
@inline
function vAt(C: i32, OH: i32, OW: i32): i32 {
  return rowsAt(C, OH, OW) + 36 * 16;
}
// @ts-ignore: decorator
@inline
function mAt(C: i32, OH: i32, OW: i32): i32 {
  return vAt(C, OH, OW) + 36 * tileRows(OH) * tileGroups(OW) * C * 16;
}

/** Bytes of scratch one slot needs for a call of these sizes (JavaScript sizes the arena). */
export function winogradScratchBytes(C: i32, O: i32, OH: i32, OW: i32): i32 {
  return mAt(C, OH, OW) + 36 * O * tileRows(OH) * tileGroups(OW) * LANES * 4;
}

/**
 * Copies `rows` rows of `cols` floats from `src` (row pitch `srcPitch` floats) to `dst` (pitch
 * `dstPitch`): an input plane into its zero-padded copy.
 */
// @ts-ignore: decorator
@inline
export function copyRows(
  src: usize,
  srcPitch: i32,
  dst: usize,
  dstPitch: i32,
  rows: i32,
  cols: i32,
): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(
      dst + (<usize>(r * dstPitch) << 2),
      src + (<usize>(r * srcPitch) << 2),
      <usize>cols << 2,
    );
  }
}

/** Bᵀ·(d0 … d5), stored as six vectors `step` bytes apart from `dst`. */
// @ts-ignore: decorator
@inline
function inputTransform(
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128,
  dst: usize,
  step: usize,
): void {
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  const d12 = f32x4.add(d1, d2);
  const d34 = f32x4.add(d3, d4);
  const d21 = f32x4.sub(d2, d1);
  const d3m4 = f32x4.sub(d3, d4);
  const d31 = f32x4.sub(d3, d1);
  const d42 = f32x4.sub(d4, d2);
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(dst + step, f32x4.sub(f32x4.mul(four, d12), d34));
  v128.store(dst + 2 * step, f32x4.add(f32x4.mul(four, d21), d3m4));
  v128.store(dst + 3 * step, f32x4.add(f32x4.mul(two, d31), d42));
  v128.store(dst + 4 * step, f32x4.sub(d42, f32x4.mul(two, d31)));
  v128.store(dst + 5 * step, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}

/**
 * Transforms the patches of tile group `grp` (four tiles whose patches start at column 8·gx of
 * padded row 2·ty) of one channel, stored as V[e] at v + ((e·NG + grp)·C + c)·16 for e = 6a + b:
 * the k-major, MR-row panels the GEMM reads.
 */
// @ts-ignore: decorator
@inline
export function transformPatches(src: usize, Wp: i32, rows: usize, v: usize, stepE: usize): void {
  // along each row: the six columns of the four patches, Bᵀ applied, into rows[i][b]
  for (let i = 0; i < 6; i++) {
    const p = src + <usize>(i * Wp) * 4;
    const l0 = v128.load(p);
    const l1 = v128.load(p, 16);
    const l2 = v128.load(p, 32);
    const ev = i32x4.shuffle(l0, l1, 0, 2, 4, 6);
    const od = i32x4.shuffle(l0, l1, 1, 3, 5, 7);
    const ev2 = i32x4.shuffle(l1, l2, 0, 2, 4, 6);
    const od2 = i32x4.shuffle(l1, l2, 1, 3, 5, 7);
    const c2 = i32x4.shuffle(ev, ev2, 1, 2, 3, 6);
    const c3 = i32x4.shuffle(od, od2, 1, 2, 3, 6);
    inputTransform(ev, od, c2, c3, ev2, od2, rows + <usize>i * 96, 16);
  }
  // down each column b: Bᵀ over the six rows, into V[6a + b]
  for (let b = 0; b < 6; b++) {
    const r = rows + <usize>b * 16;
    inputTransform(
      v128.load(r),
      v128.load(r, 96),
      v128.load(r, 192),
      v128.load(r, 288),
      v128.load(r, 384),
      v128.load(r, 480),
      v + <usize>b * stepE,
      6 * stepE,
    );
  }
}

/** Aᵀ·(m0 … m5): the two sums of a column (or row) of a transformed tile. */
// @ts-ignore: decorator
@inline
function outSum0(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.add(m0, m1), f32x4.add(m2, m3)), m4);
}
// @ts-ignore: decorator
@inline
function outSum1(m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  const two = f32x4.splat(2);
  return f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.mul(two, f32x4.sub(m3, m4))), m5);
}

/** The left column of a transformed tile's output row, from its six sums along a at `r`. */
// @ts-ignore: decorator
@inline
function outLeft(r: usize): v128 {
  return outSum0(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64));
}
/** The right column likewise. */
// @ts-ignore: decorator
@inline
function outRight(r: usize): v128 {
  return outSum1(
    v128.load(r, 16),
    v128.load(r, 32),
    v128.load(r, 48),
    v128.load(r, 64),
    v128.load(r, 80),
  );
}

/**
 * Stores a tile group's output row (lanes: the four tiles; y0, y1: their left and right column)
 * at `dst`, the row's column 8·gx, keeping only the `n` columns left in the row.
 */
// @ts-ignore: decorator
@inline
function storeRow(y0: v128, y1: v128, dst: usize, n: i32, spill: usize): void {
  const lo = i32x4.shuffle(y0, y1, 0, 4, 1, 5);
  const hi = i32x4.shuffle(y0, y1, 2, 6, 3, 7);
  if (n >= 8) {
    v128.store(dst, lo);
    v128.store(dst, hi, 16);
    return;
  }
  v128.store(spill, lo);
  v128.store(spill, hi, 16);
  memory.copy(dst, spill, <usize>n << 2);
}

/**
 * y [N, O, OH, OW] = conv2d(x [N, C, H, W], w) for 5×5 weights, stride 1, no dilation or groups,
 * padding (ph, pw), with `u` the transformed weights packed as the GEMM's B panels (e, panel of
 * NR output channels, input channel: u + ((e·panels + q)·C + c)·NR floats) and `bias` (0: none)
 * added. Units of work are samples; this call runs the samples of slots [start, end).
 */
export function conv2dWinogradF32(
  N: i32,
  C: i32,
  H: i32,
  W: i32,
  O: i32,
  OH: i32,
  OW: i32,
  ph: i32,
  pw: i32,
  x: usize,
  u: usize,
  bias: usize,
  y: usize,
  scratch: usize,
  slotBytes: i32,
  slots: i32,
  start: i32,
  end: i32,
): void {
  const TH = tileRows(OH);
  const G4 = tileGroups(OW);
  const NG = TH * G4;
  const Tp = NG * LANES;
  const Hp = 2 * TH + 4;
  const Wp = 8 * G4 + 4;
  const scr = scratch + <usize>start * <usize>slotBytes;
  const edge = scr;
  const planes = scr + <usize>planesAt();
  const rows = scr + <usize>rowsAt(C, OH, OW);
  const v = scr + <usize>vAt(C, OH, OW);
  const m = scr + <usize>mAt(C, OH, OW);
  const planeBytes = <usize>(Hp * Wp) << 2;
  const vStepE = <usize>(NG * C) << 4;
  const mStepE = <usize>(O * Tp) << 2;
  const panels = (O + NR - 1) / NR;
  const P = OH * OW;
  const spill = rows; // free again once a sample's patches are transformed
  const n1 = slotStart(N, slots, end);
  for (let n = slotStart(N, slots, start); n < n1; n++) {
    // zero-padded planes: input (ih, iw) at padded row ph + ih, column pw + iw
    memory.fill(planes, 0, <usize>C * planeBytes);
    for (let c = 0; c < C; c++) {
      const src = f32At(x, (n * C + c) * H * W);
      const dst = planes + <usize>c * planeBytes + (<usize>(ph * Wp + pw) << 2);
      copyRows(src, W, dst, Wp, H, W);
    }
    // V = Bᵀ·d·B for every tile group and channel
    for (let ty = 0; ty < TH; ty++) {
      for (let gx = 0; gx < G4; gx++) {
        const grp = ty * G4 + gx;
        for (let c = 0; c < C; c++) {
          const src = planes + <usize>c * planeBytes + (<usize>(2 * ty * Wp + 8 * gx) << 2);
          transformPatches(src, Wp, rows, v + (<usize>(grp * C + c) << 4), vStepE);
        }
      }
    }
    // M[e] = V[e]·U[e]: per e, tiles × output channels, stored channel-major (M[e][o][tile])
    for (let e = 0; e < 36; e++) {
      for (let q = 0; q < panels; q++) {
        const pb = f32At(u, (e * panels + q) * C * NR);
        const cols = min(NR, O - q * NR);
        const mq = m + <usize>e * mStepE + (<usize>(q * NR * Tp) << 2);
        let pa = v + <usize>e * vStepE;
        for (let grp = 0; grp < NG; grp++, pa += <usize>C << 4) {
          tile(C, pa, pb, mq + (<usize>(grp * LANES) << 2), <usize>Tp << 2, MR, cols, false, edge, true);
        }
      }
    }
    // y = Aᵀ·M·A (+ bias) for every output channel and tile group
    for (let o = 0; o < O; o++) {
      const b = f32x4.splat(bias == 0 ? 0 : load<f32>(f32At(bias, o)));
      const yo = f32At(y, (n * O + o) * P);
      for (let ty = 0; ty < TH; ty++) {
        for (let gx = 0; gx < G4; gx++) {
          const at = m + (<usize>(o * Tp + (ty * G4 + gx) * LANES) << 2);
          // along a: s0[b] = Σ Aᵀ[0][a]·M[a][b] at spill + 32, s1[b] at spill + 128
          for (let bb = 0; bb < 6; bb++) {
            const c0 = at + <usize>bb * mStepE;
            const m0 = v128.load(c0);
            const m1 = v128.load(c0 + 6 * mStepE);
            const m2 = v128.load(c0 + 12 * mStepE);
            const m3 = v128.load(c0 + 18 * mStepE);
            const m4 = v128.load(c0 + 24 * mStepE);
            const m5 = v128.load(c0 + 30 * mStepE);
            v128.store(spill + 32 + <usize>bb * 16, outSum0(m0, m1, m2, m3, m4));
            v128.store(spill + 128 + <usize>bb * 16, outSum1(m1, m2, m3, m4, m5));
          }
          const y00 = f32x4.add(outLeft(spill + 32), b);
          const y01 = f32x4.add(outRight(spill + 32), b);
          const y10 = f32x4.add(outLeft(spill + 128), b);
          const y11 = f32x4.add(outRight(spill + 128), b);
          const left = OW - 8 * gx;
          const row = f32At(yo, 2 * ty * OW + 8 * gx);
          storeRow(y00, y01, row, left, spill);
          if (2 * ty + 1 < OH) storeRow(y10, y11, row + (<usize>OW << 2), left, spill);
        }
      }
    }
  }
}

/** G′ applied to one column of five taps: its six values stored `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline
function filterTransform(w0: f64, w1: f64, w2: f64, w3: f64, w4: f64, out: usize, step: usize): void {
  store<f64>(out, w0 / 4);
  store<f64>(out + step, (w0 + w1 + w2 + w3 + w4) / 6);
  store<f64>(out + 2 * step, (w0 - w1 + w2 - w3 + w4) / 6);
  store<f64>(out + 3 * step, (w0 + 2 * w1 + 4 * w2 + 8 * w3 + 16 * w4) / 24);
  store<f64>(out + 4 * step, (w0 - 2 * w1 + 4 * w2 - 8 * w3 + 16 * w4) / 24);
  store<f64>(out + 5 * step, w4);
}

/** Tap (i, j) of the 5×5 taps at `taps`, or of their mirror image with `flip`, as float64. */
// @ts-ignore: decorator
@inline
function tap(taps: usize, flip: bool, i: i32, j: i32): f64 {
  return <f64>load<f32>(flip ? f32At(taps, (4 - i) * 5 + 4 - j) : f32At(taps, i * 5 + j));
}

/**
 * The transformed weights U[e] = G′·w·G′ᵀ of a conv with weights w [O, C, 5, 5] (contiguous), in
 * float64 then rounded once, packed as conv2dWinogradF32 reads them: e, panel of NR outputs,
 * input channel (u + ((e·panels + q)·cin + ci)·NR + lane floats; lanes past the outputs zero).
 * With `flip`, those of the input gradient's conv instead: outputs C, inputs O, taps
 * W′[c, o, i, j] = W[o, c, 4 − i, 4 − j]. `tmp`: 72 float64 of scratch.
 */
export function winogradWeightsF32(w: usize, O: i32, C: i32, flip: bool, u: usize, tmp: usize): void {
  const cout = flip ? C : O;
  const cin = flip ? O : C;
  const panels = (cout + NR - 1) / NR;
  memory.fill(u, 0, <usize>(36 * panels * cin * NR) << 2);
  const gw = tmp; // 6 × 5: G′·w
  const gwg = tmp + 240; // 6 × 6: G′·w·G′ᵀ
  for (let co = 0; co < cout; co++) {
    const q = co / NR;
    const lane = co - q * NR;
    for (let ci = 0; ci < cin; ci++) {
      // tap (i, j) of this (output, input) pair at taps + (i·5 + j)·4, or mirrored
      const taps = flip ? f32At(w, (ci * C + co) * 25) : f32At(w, (co * C + ci) * 25);
      for (let j = 0; j < 5; j++) {
        filterTransform(
          tap(taps, flip, 0, j),
          tap(taps, flip, 1, j),
          tap(taps, flip, 2, j),
          tap(taps, flip, 3, j),
          tap(taps, flip, 4, j),
          gw + <usize>j * 8,
          40,
        );
      }
      for (let a = 0; a < 6; a++) {
        const row = gw + <usize>a * 40;
        filterTransform(
          load<f64>(row),
          load<f64>(row, 8),
          load<f64>(row, 16),
          load<f64>(row, 24),
          load<f64>(row, 32),
          gwg + <usize>a * 48,
          8,
        );
      }
      for (let e = 0; e < 36; e++) {
        const at = f32At(u, ((e * panels + q) * cin + ci) * NR + lane);
        store<f32>(at, <f32>load<f64>(gwg + (<usize>e << 3)));
      }
    }
  }
}
