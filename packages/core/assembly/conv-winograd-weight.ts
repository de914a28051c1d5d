// The weight gradient of a 5×5, stride-1 convolution by Winograd's F(5×5, 2×2), with the points
// and the data transform of the forward's F(2×2, 5×5) (conv-winograd.ts).
import { f32At, MR, NR, slotStart, storeTransposed4, tile } from "./gemm";
import { copyRows, LANES, tileGroups, tileRows, transformPatches } from "./conv-winograd";

// The weight gradient by F(5×5, 2×2) with the same points: dW[o, c] = Σ over samples and 2×2
// output tiles of the 5×5 correlation of the tile's 6×6 input patch with its 2×2 output gradient,
// = Aᵀ·(Σ U ⊙ V)·A with V = Bᵀ·d·B as in the forward (the data transform depends on the points
// alone), U = G′·g·G′ᵀ for the 2×2 gradient g, G′ = diag(1/4, 1/6, 1/6, 1/24, 1/24, 1)·G with G's
// rows (1 0) (1 1) (1 −1) (1 2) (1 −2) (0 1), and Aᵀ (5 × 6) the powers 0…4 of 0, 1, −1, 2, −2
// plus (0 0 0 0 0 1) in its last row. The sum over tiles is 36 GEMMs with K = tiles.

/** G′ on a pair (u0, u1): six vectors stored `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline
function pairTransform(u0: v128, u1: v128, out: usize, step: usize): void {
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  const twentyFourth = f32x4.splat(<f32>(1.0 / 24.0));
  const two = f32x4.splat(2);
  v128.store(out, f32x4.mul(u0, f32x4.splat(0.25)));
  v128.store(out + step, f32x4.mul(f32x4.add(u0, u1), sixth));
  v128.store(out + 2 * step, f32x4.mul(f32x4.sub(u0, u1), sixth));
  v128.store(out + 3 * step, f32x4.mul(f32x4.add(u0, f32x4.mul(two, u1)), twentyFourth));
  v128.store(out + 4 * step, f32x4.mul(f32x4.sub(u0, f32x4.mul(two, u1)), twentyFourth));
  v128.store(out + 5 * step, u1);
}

/** Aᵀ (5 × 6) on six float64 values: five stored `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline
function outTransform5(m0: f64, m1: f64, m2: f64, m3: f64, m4: f64, m5: f64, out: usize, step: usize): void {
  const s12 = m1 + m2;
  const d12 = m1 - m2;
  const s34 = m3 + m4;
  const d34 = m3 - m4;
  store<f64>(out, m0 + s12 + s34);
  store<f64>(out + step, d12 + 2 * d34);
  store<f64>(out + 2 * step, s12 + 4 * s34);
  store<f64>(out + 3 * step, d12 + 8 * d34);
  store<f64>(out + 4 * step, s12 + 16 * s34 + m5);
}

/** A slot's scratch for the weight gradient: edge tile, x planes (NR channels), temporaries. */
// @ts-ignore: decorator
@inline
function wgXAt(): i32 {
  return MR * NR * 4;
}
// @ts-ignore: decorator
@inline
function wgRowsAt(OH: i32, OW: i32): i32 {
  return wgXAt() + NR * (2 * tileRows(OH) + 4) * (8 * tileGroups(OW) + 4) * 4;
}
// @ts-ignore: decorator
@inline
function wgTmpVAt(OH: i32, OW: i32): i32 {
  return wgRowsAt(OH, OW) + 36 * 16;
}
// @ts-ignore: decorator
@inline
function wgTmpUAt(OH: i32, OW: i32): i32 {
  return wgTmpVAt(OH, OW) + 36 * NR * 16;
}
// @ts-ignore: decorator
@inline
function wgGradAt(OH: i32, OW: i32): i32 {
  return wgTmpUAt(OH, OW) + 36 * MR * 16;
}
// @ts-ignore: decorator
@inline
function wgVAt(O: i32, OH: i32, OW: i32): i32 {
  return wgGradAt(OH, OW) + O * 2 * tileRows(OH) * 8 * tileGroups(OW) * 4;
}
// @ts-ignore: decorator
@inline
function wgUAt(O: i32, OH: i32, OW: i32): i32 {
  return wgVAt(O, OH, OW) + 36 * tileRows(OH) * tileGroups(OW) * LANES * NR * 4;
}
/** Bytes of scratch one slot of conv2dWinogradWeightF32 needs. */
export function winogradWeightScratchBytes(O: i32, OH: i32, OW: i32): i32 {
  const quads = (O + MR - 1) / MR;
  return wgUAt(O, OH, OW) + 36 * quads * tileRows(OH) * tileGroups(OW) * LANES * MR * 4;
}

/** Bytes of the float32 sums M one unit of conv2dWinogradWeightF32 leaves for the finish. */
export function winogradWeightPartialBytes(O: i32): i32 {
  return 36 * ((O + MR - 1) / MR) * MR * NR * 4;
}

/**
 * The sums M of the weight gradient of a 5×5, stride-1 conv (no dilation or groups, padding
 * (ph, pw)) from x [N, C, H, W] and dy [N, O, OH, OW], for conv2dWinogradWeightFinishF32 to
 * transform into dW. Units of work are (run of NR input channels, chunk of samples): the samples
 * are cut into `chunks` fixed runs (not by thread), each unit sums over its samples and every tile
 * in one order into its own `partials` block, so the bits do not depend on the thread count and a
 * slow thread takes fewer units. This call runs the units of slots [start, end).
 */
export function conv2dWinogradWeightF32(
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
  dy: usize,
  partials: usize,
  chunks: i32,
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
  const Wp = 8 * G4 + 4;
  const GH = 2 * TH;
  const GW = 8 * G4;
  const quads = (O + MR - 1) / MR;
  const scr = scratch + <usize>start * <usize>slotBytes;
  const edge = scr;
  const planes = scr + <usize>wgXAt();
  const rows = scr + <usize>wgRowsAt(OH, OW);
  const tmpV = scr + <usize>wgTmpVAt(OH, OW);
  const tmpU = scr + <usize>wgTmpUAt(OH, OW);
  const grads = scr + <usize>wgGradAt(OH, OW);
  const vb = scr + <usize>wgVAt(O, OH, OW);
  const ua = scr + <usize>wgUAt(O, OH, OW);
  const planeBytes = <usize>((2 * TH + 4) * Wp) << 2;
  const gradBytes = <usize>(GH * GW) << 2;
  const units = ((C + NR - 1) / NR) * chunks;
  const u1 = slotStart(units, slots, end);
  for (let u = slotStart(units, slots, start); u < u1; u++) {
    const c0 = (u / chunks) * NR;
    const nc = min(NR, C - c0);
    const k = u % chunks;
    const mBytes = <usize>winogradWeightPartialBytes(O);
    const m = partials + <usize>u * mBytes;
    memory.fill(m, 0, mBytes);
    for (let n = (k * N) / chunks; n < ((k + 1) * N) / chunks; n++) {
      // zero-padded planes of this unit's channels, and of every output gradient
      memory.fill(planes, 0, <usize>NR * planeBytes);
      for (let c = 0; c < nc; c++) {
        const src = f32At(x, (n * C + c0 + c) * H * W);
        const dst = planes + <usize>c * planeBytes + (<usize>(ph * Wp + pw) << 2);
        // rows and columns past every window (an input larger than the output needs) are left out
        copyRows(src, W, dst, Wp, min(H, 2 * TH + 4 - ph), min(W, Wp - pw));
      }
      memory.fill(grads, 0, <usize>O * gradBytes);
      for (let o = 0; o < O; o++) {
        const src = f32At(dy, (n * O + o) * OH * OW);
        const dst = grads + <usize>o * gradBytes;
        copyRows(src, OW, dst, GW, OH, OW);
      }
      for (let ty = 0; ty < TH; ty++) {
        for (let gx = 0; gx < G4; gx++) {
          const grp = ty * G4 + gx;
          // V: the B panels, a row of NR channels per tile (tmpV[e][c]: lanes are tiles)
          for (let c = 0; c < NR; c++) {
            const src = planes + <usize>c * planeBytes + (<usize>(2 * ty * Wp + 8 * gx) << 2);
            transformPatches(src, Wp, rows, tmpV + (<usize>c << 4), NR * 16);
          }
          for (let e = 0; e < 36; e++) {
            const src = tmpV + <usize>e * (NR * 16);
            const dst = vb + (<usize>((e * Tp + grp * LANES) * NR) << 2);
            const a0 = v128.load(src);
            const a1 = v128.load(src, 16);
            const a2 = v128.load(src, 32);
            const a3 = v128.load(src, 48);
            storeTransposed4(a0, a1, a2, a3, dst, NR * 4);
            const b0 = v128.load(src, 64);
            const b1 = v128.load(src, 80);
            const b2 = v128.load(src, 96);
            const b3 = v128.load(src, 112);
            storeTransposed4(b0, b1, b2, b3, dst + 16, NR * 4);
          }
          // U: the A panels, a row of MR output channels per tile
          for (let q = 0; q < quads; q++) {
            for (let r = 0; r < MR; r++) {
              const o = q * MR + r;
              const out = tmpU + (<usize>r << 4);
              if (o >= O) {
                for (let e = 0; e < 36; e++) v128.store(out + <usize>e * 64, f32x4.splat(0));
                continue;
              }
              const g = grads + <usize>o * gradBytes + (<usize>(2 * ty * GW + 8 * gx) << 2);
              const r0a = v128.load(g);
              const r0b = v128.load(g, 16);
              const r1a = v128.load(g + (<usize>GW << 2));
              const r1b = v128.load(g + (<usize>GW << 2), 16);
              // down the two columns (rows a), then along the rows (columns b)
              pairTransform(
                i32x4.shuffle(r0a, r0b, 0, 2, 4, 6),
                i32x4.shuffle(r1a, r1b, 0, 2, 4, 6),
                rows,
                32,
              );
              pairTransform(
                i32x4.shuffle(r0a, r0b, 1, 3, 5, 7),
                i32x4.shuffle(r1a, r1b, 1, 3, 5, 7),
                rows + 16,
                32,
              );
              for (let a = 0; a < 6; a++) {
                const t = rows + <usize>a * 32;
                pairTransform(v128.load(t), v128.load(t, 16), out + <usize>a * 384, 64);
              }
            }
            for (let e = 0; e < 36; e++) {
              const src = tmpU + <usize>e * 64;
              const dst = ua + (<usize>((e * quads + q) * Tp + grp * LANES) << 4);
              storeTransposed4(
                v128.load(src),
                v128.load(src, 16),
                v128.load(src, 32),
                v128.load(src, 48),
                dst,
                16,
              );
            }
          }
        }
      }
      // M[e] += U[e]ᵀ·V[e] over this sample's tiles
      for (let e = 0; e < 36; e++) {
        const pb = vb + (<usize>(e * Tp * NR) << 2);
        for (let q = 0; q < quads; q++) {
          const pa = ua + (<usize>((e * quads + q) * Tp) << 4);
          const c = m + (<usize>((e * quads * MR + q * MR) * NR) << 2);
          tile(Tp, pa, pb, c, NR * 4, min(MR, O - q * MR), nc, true, edge);
        }
      }
    }
  }
}

/** Bytes of scratch conv2dWinogradWeightFinishF32 takes: 5 × 6 and 5 × 5 float64. */
export function winogradWeightFinishScratchBytes(): i32 {
  return 55 * 8;
}

/**
 * dW [O, C, 5, 5] from the `chunks` blocks of sums per run of NR input channels that
 * conv2dWinogradWeightF32 left in `partials`: the blocks summed in chunk order, then Aᵀ·M·A in
 * float64, every run on the calling thread (a few thousand additions per run).
 */
export function conv2dWinogradWeightFinishF32(
  C: i32,
  O: i32,
  partials: usize,
  chunks: i32,
  dw: usize,
  scratch: usize,
): void {
  const quads = (O + MR - 1) / MR;
  const mBytes = <usize>winogradWeightPartialBytes(O);
  const s = scratch; // 5 × 6 float64
  const y = s + 240; // 5 × 5 float64
  const units = (C + NR - 1) / NR;
  for (let u = 0; u < units; u++) {
    const c0 = u * NR;
    const nc = min(NR, C - c0);
    const m = partials + <usize>(u * chunks) * mBytes;
    for (let k = 1; k < chunks; k++) {
      const src = m + <usize>k * mBytes;
      for (let i: usize = 0; i < mBytes; i += 16) {
        v128.store(m + i, f32x4.add(v128.load(m + i), v128.load(src + i)));
      }
    }
    // dW[o, c] = Aᵀ·M·A, in float64 from the float32 sums
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < nc; c++) {
        const mo = m + (<usize>(o * NR + c) << 2);
        const stepE = <usize>(quads * MR * NR) << 2;
        for (let b = 0; b < 6; b++) {
          const at = mo + <usize>b * stepE;
          outTransform5(
            <f64>load<f32>(at),
            <f64>load<f32>(at + 6 * stepE),
            <f64>load<f32>(at + 12 * stepE),
            <f64>load<f32>(at + 18 * stepE),
            <f64>load<f32>(at + 24 * stepE),
            <f64>load<f32>(at + 30 * stepE),
            s + <usize>b * 8,
            48,
          );
        }
        for (let i = 0; i < 5; i++) {
          const si = s + <usize>i * 48;
          outTransform5(
            load<f64>(si),
            load<f64>(si, 8),
            load<f64>(si, 16),
            load<f64>(si, 24),
            load<f64>(si, 32),
            load<f64>(si, 40),
            y + <usize>i * 40,
            8,
          );
        }
        const dst = f32At(dw, (o * C + c0 + c) * 25);
        for (let k = 0; k < 25; k++) store<f32>(f32At(dst, k), <f32>load<f64>(y + (<usize>k << 3)));
      }
    }
  }
}
