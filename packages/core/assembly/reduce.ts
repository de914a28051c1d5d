// Reductions of float32 data over any set of axes, and max/min with their index along one axis.
// Kernels take a range [start, end) of outputs, and each output is reduced whole by one thread, so
// results do not depend on how a pool splits the call.
//
// Geometry (i32, written by src/backend/wasm/reduce.ts; strides in elements, dims collapsed):
//   [nk, kept shape [0..nk), kept strides [0..nk), nr, reduced shape [0..nr), reduced strides]
// The outputs are the kept positions in row-major order; each reduces the reduced positions in
// row-major order (the reference's order). Three loops, picked per call:
// - rows: the last reduced dim is contiguous. SIMD down each run; sums use eight float64 partial
//   sums (so they can differ from the reference's sequential float64 sum in the last bit of the
//   float32 result, rarely), max/min four float32 lanes (NaN-propagating).
// - columns: the last kept dim is contiguous. Four neighbouring outputs per vector, each reduced
//   sequentially in float64 or with the reference's compare, so the results equal the reference's.
// - scalar: anything else (and every product), exactly the reference's loop.

// Op codes, shared with src/backend/wasm/reduce.ts.
const SUM = 0;
const PROD = 1;
const MAX = 2;
const MIN = 3;

// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}

/** Element offset of the `index`-th position of the (shape, strides) block at `p`, dims `nd`. */
// @ts-ignore: decorator
@inline
function offsetOf(p: usize, nd: i32, dims: i32, index: i32): i32 {
  let off = 0;
  let r = index;
  for (let d = dims - 1; d >= 0; d--) {
    const size = at(p, d);
    const q = r / size;
    off += (r - q * size) * at(p, nd + d);
    r = q;
  }
  return off;
}

// @ts-ignore: decorator
@inline
function hiHalf(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

/** The reference's update `v > acc || isNaN(v) ? v : acc` (or `<` for MIN), lane by lane. */
// @ts-ignore: decorator
@inline
function pick(op: i32, acc: v128, v: v128): v128 {
  const better = op == MAX ? f32x4.gt(v, acc) : f32x4.lt(v, acc);
  return v128.bitselect(v, acc, v128.or(better, f32x4.ne(v, v)));
}

/** One output, the last reduced dim contiguous (`rn` long), SIMD along it. */
// @ts-ignore: decorator
@inline
function reduceRows(op: i32, p: usize, base: i32, rb: usize, nr: i32, rows: i32, rn: i32): f32 {
  if (op == SUM) {
    const z = f64x2.splat(0);
    let a0 = z;
    let a1 = z;
    let a2 = z;
    let a3 = z;
    let tail: f64 = 0;
    for (let row = 0; row < rows; row++) {
      const q = p + ((<usize>(base + offsetOf(rb + 4, nr, nr - 1, row))) << 2);
      let i = 0;
      for (; i + 8 <= rn; i += 8) {
        const v0 = v128.load(q + ((<usize>i) << 2));
        const v1 = v128.load(q + ((<usize>i) << 2), 16);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(hiHalf(v0)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
        a3 = f64x2.add(a3, f64x2.promote_low_f32x4(hiHalf(v1)));
      }
      for (; i < rn; i++) tail += <f64>load<f32>(q + ((<usize>i) << 2));
    }
    const s = f64x2.add(f64x2.add(a0, a2), f64x2.add(a1, a3));
    return <f32>(f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1) + tail);
  }
  const init = f32x4.splat(op == MAX ? -Infinity : Infinity);
  let m0 = init;
  let m1 = init;
  for (let row = 0; row < rows; row++) {
    const q = p + ((<usize>(base + offsetOf(rb + 4, nr, nr - 1, row))) << 2);
    let i = 0;
    for (; i + 8 <= rn; i += 8) {
      const v0 = v128.load(q + ((<usize>i) << 2));
      const v1 = v128.load(q + ((<usize>i) << 2), 16);
      m0 = op == MAX ? f32x4.max(m0, v0) : f32x4.min(m0, v0);
      m1 = op == MAX ? f32x4.max(m1, v1) : f32x4.min(m1, v1);
    }
    for (; i < rn; i++) {
      const v = f32x4.splat(load<f32>(q + ((<usize>i) << 2)));
      m0 = op == MAX ? f32x4.max(m0, v) : f32x4.min(m0, v);
    }
  }
  let m = op == MAX ? f32x4.max(m0, m1) : f32x4.min(m0, m1);
  const m2 = v128.shuffle<f32>(m, m, 2, 3, 0, 1);
  m = op == MAX ? f32x4.max(m, m2) : f32x4.min(m, m2);
  const m3 = v128.shuffle<f32>(m, m, 1, 0, 3, 2);
  m = op == MAX ? f32x4.max(m, m3) : f32x4.min(m, m3);
  return f32x4.extract_lane(m, 0);
}

/** One output in the reference's order, any strides. */
// @ts-ignore: decorator
@inline
function reduceScalar(
  op: i32,
  p: usize,
  base: i32,
  rb: usize,
  nr: i32,
  rows: i32,
  rn: i32,
  rs: i32,
): f32 {
  let acc: f64 = op == SUM ? 0 : op == PROD ? 1 : op == MAX ? -Infinity : Infinity;
  for (let row = 0; row < rows; row++) {
    let q = p + ((<usize>(base + offsetOf(rb + 4, nr, nr - 1, row))) << 2);
    for (let i = 0; i < rn; i++, q += <usize>(rs << 2)) {
      const v = <f64>load<f32>(q);
      if (op == SUM) acc += v;
      else if (op == PROD) acc *= v;
      else if (op == MAX) acc = v > acc || isNaN(v) ? v : acc;
      else acc = v < acc || isNaN(v) ? v : acc;
    }
  }
  return <f32>acc;
}

/** Four neighbouring outputs (the last kept dim contiguous), each reduced sequentially. */
// @ts-ignore: decorator
@inline
function reduceColumns4(
  op: i32,
  p: usize,
  base: i32,
  rb: usize,
  nr: i32,
  rows: i32,
  rn: i32,
  rs: i32,
  out: usize,
): void {
  if (op == SUM) {
    let lo = f64x2.splat(0);
    let hi = lo;
    for (let row = 0; row < rows; row++) {
      let q = p + ((<usize>(base + offsetOf(rb + 4, nr, nr - 1, row))) << 2);
      for (let i = 0; i < rn; i++, q += <usize>(rs << 2)) {
        const v = v128.load(q);
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(hiHalf(v)));
      }
    }
    v128.store(
      out,
      v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5),
    );
    return;
  }
  let m = f32x4.splat(op == MAX ? -Infinity : Infinity);
  for (let row = 0; row < rows; row++) {
    let q = p + ((<usize>(base + offsetOf(rb + 4, nr, nr - 1, row))) << 2);
    for (let i = 0; i < rn; i++, q += <usize>(rs << 2)) m = pick(op, m, v128.load(q));
  }
  v128.store(out, m);
}

// @ts-ignore: decorator
@inline
function reduceWith(op: i32, x: usize, out: usize, g: usize, start: i32, end: i32): void {
  const nk = load<i32>(g);
  const kb = g + 4;
  const kn = at(kb, nk - 1);
  const ks = at(kb, 2 * nk - 1);
  const rb = kb + ((<usize>(2 * nk)) << 2);
  const nr = load<i32>(rb);
  const rn = at(rb + 4, nr - 1);
  const rs = at(rb + 4, 2 * nr - 1);
  let rows = 1;
  for (let d = 0; d < nr - 1; d++) rows *= at(rb + 4, d);
  if (op != PROD && rs == 1) {
    for (let o = start; o < end; o++) {
      const r = reduceRows(op, x, offsetOf(kb, nk, nk, o), rb, nr, rows, rn);
      store<f32>(out + ((<usize>o) << 2), r);
    }
  } else if (op != PROD && ks == 1 && kn >= 4) {
    let o = start;
    while (o < end) {
      const col = o % kn;
      const run = min(kn - col, end - o);
      const base = offsetOf(kb, nk, nk, o);
      let j = 0;
      for (; j + 4 <= run; j += 4) {
        reduceColumns4(op, x, base + j, rb, nr, rows, rn, rs, out + ((<usize>(o + j)) << 2));
      }
      for (; j < run; j++) {
        const r = reduceScalar(op, x, base + j, rb, nr, rows, rn, rs);
        store<f32>(out + ((<usize>(o + j)) << 2), r);
      }
      o += run;
    }
  } else {
    for (let o = start; o < end; o++) {
      const r = reduceScalar(op, x, offsetOf(kb, nk, nk, o), rb, nr, rows, rn, rs);
      store<f32>(out + ((<usize>o) << 2), r);
    }
  }
}

/** out[o] = op over the reduced positions of output o, for outputs [start, end). */
export function reduceF32(op: i32, x: usize, out: usize, g: usize, start: i32, end: i32): void {
  switch (op) {
    case SUM:
      reduceWith(SUM, x, out, g, start, end);
      break;
    case PROD:
      reduceWith(PROD, x, out, g, start, end);
      break;
    case MAX:
      reduceWith(MAX, x, out, g, start, end);
      break;
    case MIN:
      reduceWith(MIN, x, out, g, start, end);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Max/min with index along one axis: the first extreme element wins, and the first NaN wins over
// everything (the reference's rule), in every loop below.

/** The reference's loop over `m` elements `s` apart. */
// @ts-ignore: decorator
@inline
function argScalar(op: i32, q: usize, m: i32, s: i32, values: usize, indices: usize): void {
  let best = load<f32>(q);
  let bi = 0;
  for (let i = 1; i < m && !isNaN(best); i++) {
    const v = load<f32>(q + <usize>((i * s) << 2));
    if ((op == MAX ? v > best : v < best) || isNaN(v)) {
      best = v;
      bi = i;
    }
  }
  store<f32>(values, best);
  store<i32>(indices, bi);
}

/** A contiguous row of `m` ≥ 4 elements: four lanes, each the reference's loop, then merged. */
// @ts-ignore: decorator
@inline
function argLanes(op: i32, q: usize, m: i32, values: usize, indices: usize): void {
  let best = v128.load(q);
  let idx = i32x4(0, 1, 2, 3);
  let iv = i32x4(4, 5, 6, 7);
  let i = 4;
  for (; i + 4 <= m; i += 4, iv = i32x4.add(iv, i32x4.splat(4))) {
    const v = v128.load(q + ((<usize>i) << 2));
    const better = op == MAX ? f32x4.gt(v, best) : f32x4.lt(v, best);
    const upd = v128.and(f32x4.eq(best, best), v128.or(better, f32x4.ne(v, v)));
    best = v128.bitselect(v, best, upd);
    idx = v128.bitselect(iv, idx, upd);
  }
  // merge the lanes: the smallest index among NaN lanes, else among the lanes holding the extreme
  for (let round = 0; round < 2; round++) {
    const v =
      round == 0
        ? v128.shuffle<f32>(best, best, 2, 3, 0, 1)
        : v128.shuffle<f32>(best, best, 1, 0, 3, 2);
    const j =
      round == 0
        ? v128.shuffle<i32>(idx, idx, 2, 3, 0, 1)
        : v128.shuffle<i32>(idx, idx, 1, 0, 3, 2);
    const nv = f32x4.ne(v, v);
    const first = i32x4.lt_s(j, idx);
    const better = op == MAX ? f32x4.gt(v, best) : f32x4.lt(v, best);
    const take = v128.bitselect(
      v128.and(nv, first),
      v128.or(v128.or(nv, better), v128.and(f32x4.eq(v, best), first)),
      f32x4.ne(best, best),
    );
    best = v128.bitselect(v, best, take);
    idx = v128.bitselect(j, idx, take);
  }
  let b = f32x4.extract_lane(best, 0);
  let bi = i32x4.extract_lane(idx, 0);
  for (; i < m && !isNaN(b); i++) {
    const v = load<f32>(q + ((<usize>i) << 2));
    if ((op == MAX ? v > b : v < b) || isNaN(v)) {
      b = v;
      bi = i;
    }
  }
  store<f32>(values, b);
  store<i32>(indices, bi);
}

/** Four neighbouring (contiguous) outputs, each the reference's loop over `m` elements `s` apart. */
// @ts-ignore: decorator
@inline
function argColumns4(op: i32, q: usize, m: i32, s: i32, values: usize, indices: usize): void {
  let best = v128.load(q);
  let idx = i32x4.splat(0);
  for (let i = 1; i < m; i++) {
    const v = v128.load(q + <usize>((i * s) << 2));
    const better = op == MAX ? f32x4.gt(v, best) : f32x4.lt(v, best);
    const upd = v128.and(f32x4.eq(best, best), v128.or(better, f32x4.ne(v, v)));
    best = v128.bitselect(v, best, upd);
    idx = v128.bitselect(i32x4.splat(i), idx, upd);
  }
  v128.store(values, best);
  v128.store(indices, idx);
}

// @ts-ignore: decorator
@inline
function argWith(
  op: i32,
  x: usize,
  values: usize,
  indices: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  const nk = load<i32>(g);
  const kb = g + 4;
  const kn = at(kb, nk - 1);
  const ks = at(kb, 2 * nk - 1);
  const rb = kb + ((<usize>(2 * nk)) << 2);
  const m = at(rb + 4, 0);
  const s = at(rb + 4, 1);
  let o = start;
  while (o < end) {
    const col = o % kn;
    const run = min(kn - col, end - o);
    const base = offsetOf(kb, nk, nk, o);
    let j = 0;
    if (s != 1 && ks == 1) {
      for (; j + 4 <= run; j += 4) {
        const at4 = (<usize>(o + j)) << 2;
        argColumns4(op, x + ((<usize>(base + j)) << 2), m, s, values + at4, indices + at4);
      }
    }
    for (; j < run; j++) {
      const q = x + ((<usize>(base + j * ks)) << 2);
      const at1 = (<usize>(o + j)) << 2;
      if (s == 1 && m >= 8) argLanes(op, q, m, values + at1, indices + at1);
      else argScalar(op, q, m, s, values + at1, indices + at1);
    }
    o += run;
  }
}

/**
 * values[o], indices[o] = the extreme element of output o's row and its index along the reduced
 * axis, for outputs [start, end); the geometry has exactly one reduced dim.
 */
export function argReduceF32(
  op: i32,
  x: usize,
  values: usize,
  indices: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  if (op == MAX) argWith(MAX, x, values, indices, g, start, end);
  else argWith(MIN, x, values, indices, g, start, end);
}
