// Packed float32 GEMM, C (+)= A·B, for operands with any row/column strides (element units), in
// the BLIS loop order: for each NC-wide block of B's columns and KC-deep block of K, pack the B
// block into NR-wide column panels; for each MC-tall block of A's rows, pack it into MR-tall row
// panels; then a 4 × 8 register tile (eight f32x4 accumulators) sweeps the packed blocks. The
// B micro-panel (KC × NR, 8 KB) stays in L1 while the A block (MC × KC, 128 KB) streams from L2.
//
// Every C element is the sum over k in a fixed order (KC blocks from k = 0, each summed in
// registers from zero, then added to C), whatever the tile, panel or thread it falls in, so a
// caller may split M or N across threads freely and get bitwise-identical results. K is never
// split.
//
// Scratch: each call needs GEMM_SCRATCH bytes of its own (packed A, packed B, an edge tile);
// callers running on several threads give each thread its own scratch.
import { madd } from "./simd";

/** Register tile: MR rows × NR columns of C. */
export const MR = 4;
export const NR = 8;
/** Cache blocks (MC a multiple of MR, NC of NR). */
const KC = 256;
const MC = 128;
const NC = 1024;

const PACK_A_BYTES: usize = MC * KC * 4;
const PACK_B_BYTES: usize = KC * NC * 4;
const EDGE_BYTES: usize = MR * NR * 4;

/** Bytes of scratch one {@link gemm} call needs. */
export const GEMM_SCRATCH: usize = PACK_A_BYTES + PACK_B_BYTES + EDGE_BYTES;

/** Bytes of scratch one thread's GEMM needs (for JavaScript to size the arena). */
export function gemmScratchBytes(): i32 {
  return <i32>GEMM_SCRATCH;
}

/** Address of element `i` (any sign) of a float32 array at `p`. */
// @ts-ignore: decorator
@inline
export function f32At(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Transposes the 4 × 4 block whose rows are r0..r3 and stores its rows at dst, dst + step, ... */
// @ts-ignore: decorator
@inline
export function storeTransposed4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * Stores the columns of the 4 × 4 block whose rows are r0..r3 as vectors at dst, dst + step, ...
 * (column j at dst + j·step), adding to what is there with `accumulate`.
 */
// @ts-ignore: decorator
@inline
function storeColumns(
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
  dst: usize,
  step: usize,
  accumulate: bool,
): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  let k0 = i32x4.shuffle(t0, t2, 0, 1, 4, 5);
  let k1 = i32x4.shuffle(t0, t2, 2, 3, 6, 7);
  let k2 = i32x4.shuffle(t1, t3, 0, 1, 4, 5);
  let k3 = i32x4.shuffle(t1, t3, 2, 3, 6, 7);
  if (accumulate) {
    k0 = f32x4.add(v128.load(dst), k0);
    k1 = f32x4.add(v128.load(dst + step), k1);
    k2 = f32x4.add(v128.load(dst + 2 * step), k2);
    k3 = f32x4.add(v128.load(dst + 3 * step), k3);
  }
  v128.store(dst, k0);
  v128.store(dst + step, k1);
  v128.store(dst + 2 * step, k2);
  v128.store(dst + 3 * step, k3);
}

/**
 * Packs the mc × kc block of A at `a` into row panels of MR rows, k-major inside a panel
 * (panel p, step k at dst + (p·kc + k)·MR floats); rows past mc are zero.
 */
function packA(a: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const src = f32At(a, i * rs);
    if (rows == MR && rs == 1) {
      // column-contiguous (a transposed operand): each k is one vector
      for (let k = 0; k < kc; k++, dst += 16) v128.store(dst, v128.load(f32At(src, k * cs)));
    } else if (rows == MR && cs == 1) {
      // row-major: transpose 4 × 4 blocks
      const r1 = f32At(src, rs);
      const r2 = f32At(src, 2 * rs);
      const r3 = f32At(src, 3 * rs);
      let k = 0;
      for (; k + 4 <= kc; k += 4, dst += 64) {
        const o = <usize>k << 2;
        storeTransposed4(
          v128.load(src + o),
          v128.load(r1 + o),
          v128.load(r2 + o),
          v128.load(r3 + o),
          dst,
          16,
        );
      }
      for (; k < kc; k++, dst += 16) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(src + o));
        store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8);
        store<f32>(dst, load<f32>(r3 + o), 12);
      }
    } else {
      for (let k = 0; k < kc; k++, dst += 16) {
        const col = f32At(src, k * cs);
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(f32At(col, r * rs)) : 0);
        }
      }
    }
  }
}

/**
 * Packs the kc × nc block of B at `b` into column panels of NR columns, k-major inside a panel
 * (panel p, step k at dst + (p·kc + k)·NR floats); columns past nc are zero.
 */
function packB(b: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const src = f32At(b, j * cs);
    if (cols == NR && cs == 1) {
      // row-major: each k is two vectors
      for (let k = 0; k < kc; k++, dst += 32) {
        const row = f32At(src, k * rs);
        v128.store(dst, v128.load(row));
        v128.store(dst, v128.load(row, 16), 16);
      }
    } else if (cols == NR && rs == 1) {
      // column-contiguous (a transposed operand): transpose 4 × 4 blocks, two per 4 steps of k
      const c1 = f32At(src, cs);
      const c2 = f32At(src, 2 * cs);
      const c3 = f32At(src, 3 * cs);
      const c4 = f32At(src, 4 * cs);
      const c5 = f32At(src, 5 * cs);
      const c6 = f32At(src, 6 * cs);
      const c7 = f32At(src, 7 * cs);
      let k = 0;
      for (; k + 4 <= kc; k += 4, dst += 128) {
        const o = <usize>k << 2;
        storeTransposed4(
          v128.load(src + o),
          v128.load(c1 + o),
          v128.load(c2 + o),
          v128.load(c3 + o),
          dst,
          32,
        );
        storeTransposed4(
          v128.load(c4 + o),
          v128.load(c5 + o),
          v128.load(c6 + o),
          v128.load(c7 + o),
          dst + 16,
          32,
        );
      }
      for (; k < kc; k++, dst += 32) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(src + o));
        store<f32>(dst, load<f32>(c1 + o), 4);
        store<f32>(dst, load<f32>(c2 + o), 8);
        store<f32>(dst, load<f32>(c3 + o), 12);
        store<f32>(dst, load<f32>(c4 + o), 16);
        store<f32>(dst, load<f32>(c5 + o), 20);
        store<f32>(dst, load<f32>(c6 + o), 24);
        store<f32>(dst, load<f32>(c7 + o), 28);
      }
    } else {
      for (let k = 0; k < kc; k++, dst += 32) {
        const row = f32At(src, k * rs);
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(f32At(row, c * cs)) : 0);
        }
      }
    }
  }
}

/**
 * The microkernel: the MR × NR tile of C at `c` (row pitch `ldc` bytes) (+)= packed A panel ·
 * packed B panel over kc steps, accumulated in eight f32x4 registers from zero. Full tiles are
 * stored as vectors; edge tiles go through `edge` and only their rows × cols corner is written.
 * With `transposed`, C is stored column-major instead (column j at c + j·ldc, its rows adjacent):
 * the tile is written as Cᵀ, four rows to a vector.
 */
// @ts-ignore: decorator
@inline
export function tile(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: usize,
  rows: i32,
  cols: i32,
  accumulate: bool,
  edge: usize,
  transposed: bool = false,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  const end = pa + (<usize>kc << 4);
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (transposed && rows == MR && cols == NR) {
    storeColumns(c00, c10, c20, c30, c, ldc, accumulate);
    storeColumns(c01, c11, c21, c31, c + 4 * ldc, ldc, accumulate);
    return;
  }
  if (rows == MR && cols == NR) {
    const c1 = c + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    if (accumulate) {
      c00 = f32x4.add(v128.load(c), c00);
      c01 = f32x4.add(v128.load(c, 16), c01);
      c10 = f32x4.add(v128.load(c1), c10);
      c11 = f32x4.add(v128.load(c1, 16), c11);
      c20 = f32x4.add(v128.load(c2), c20);
      c21 = f32x4.add(v128.load(c2, 16), c21);
      c30 = f32x4.add(v128.load(c3), c30);
      c31 = f32x4.add(v128.load(c3, 16), c31);
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
    return;
  }
  v128.store(edge, c00);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  for (let r = 0; r < rows; r++) {
    const e = edge + (<usize>r << 5);
    for (let j = 0; j < cols; j++) {
      const at = transposed ? c + <usize>j * ldc + (<usize>r << 2) : c + <usize>r * ldc + (<usize>j << 2);
      const v = load<f32>(e + (<usize>j << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/**
 * C = A·B, or C += A·B with `accumulate`: A is M × K (element (i, k) at a + (i·ars + k·acs)
 * floats), B is K × N (likewise with brs, bcs), C is M × N with row pitch `ldc` floats (unit
 * column stride). `scratch` is GEMM_SCRATCH bytes of this call's own.
 */
export function gemm(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
  scratch: usize,
): void {
  const pA = scratch;
  const pB = scratch + PACK_A_BYTES;
  const edge = pB + PACK_B_BYTES;
  const ldcBytes = <usize>ldc << 2;
  if (K == 0) {
    if (!accumulate) {
      for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcBytes, 0, <usize>N << 2);
    }
    return;
  }
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const acc = accumulate || k0 > 0;
      packB(f32At(b, k0 * brs + j0 * bcs), brs, bcs, kc, nc, pB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(f32At(a, i0 * ars + k0 * acs), ars, acs, mc, kc, pA);
        for (let j = 0; j < nc; j += NR) {
          const pb = pB + <usize>(j * kc) * 4;
          const cols = min(NR, nc - j);
          for (let i = 0; i < mc; i += MR) {
            const ct = c + <usize>(i0 + i) * ldcBytes + (<usize>(j0 + j) << 2);
            tile(kc, pA + <usize>(i * kc) * 4, pb, ct, ldcBytes, min(MR, mc - i), cols, acc, edge);
          }
        }
      }
    }
  }
}

/** First unit of slot `s` when `units` are dealt to `slots` slots in contiguous runs. */
// @ts-ignore: decorator
@inline
export function slotStart(units: i32, slots: i32, s: i32): i32 {
  return <i32>((<i64>units * s) / slots);
}

/**
 * Batched C[bt] = A[bt]·B[bt] for bt < batch, C contiguous [batch, M, N]; A's batch stride is
 * `sab`, B's `sbb` (0 broadcasts). The work is dealt to `slots` slots as row tiles (or column
 * tiles with `splitCols`) of every batch entry; this call runs slots [start, end) with the
 * scratch of slot `start` (at scratch + start·GEMM_SCRATCH).
 */
export function matmulF32(
  batch: i32,
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  sab: i32,
  ars: i32,
  acs: i32,
  b: usize,
  sbb: i32,
  brs: i32,
  bcs: i32,
  c: usize,
  scratch: usize,
  slots: i32,
  splitCols: bool,
  start: i32,
  end: i32,
): void {
  const step = splitCols ? NR : MR;
  const tiles = ((splitCols ? N : M) + step - 1) / step;
  const units = batch * tiles;
  const u1 = slotStart(units, slots, end);
  const scr = scratch + <usize>start * GEMM_SCRATCH;
  for (let u = slotStart(units, slots, start); u < u1; ) {
    const bt = u / tiles;
    const t0 = u - bt * tiles;
    const t1 = min(tiles, t0 + u1 - u);
    const ab = f32At(a, bt * sab);
    const bb = f32At(b, bt * sbb);
    const cb = f32At(c, bt * M * N);
    if (splitCols) {
      const j0 = t0 * NR;
      const nc = min(N, t1 * NR) - j0;
      gemm(M, nc, K, ab, ars, acs, f32At(bb, j0 * bcs), brs, bcs, f32At(cb, j0), N, false, scr);
    } else {
      const i0 = t0 * MR;
      const mc = min(M, t1 * MR) - i0;
      gemm(mc, N, K, f32At(ab, i0 * ars), ars, acs, bb, brs, bcs, f32At(cb, i0 * N), N, false, scr);
    }
    u += t1 - t0;
  }
}
