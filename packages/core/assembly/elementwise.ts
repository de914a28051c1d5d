// Elementwise float32 kernels: unary ops over a contiguous run, and binary ops, comparisons,
// `where` and strided copies over strided operands. Every kernel takes a range [start, end) of
// flat output positions (row-major), so a pool can split any call; each output element is computed
// the same way whatever the split.
//
// Strided kernels read a geometry block that JavaScript writes into the arena (all i32):
//   [nd, shape[0..nd), strides of operand 0 [0..nd), strides of operand 1, ...]
// with strides in elements (0 on broadcast dims, possibly negative) and dims already collapsed,
// so the last dim is the longest run. The walker cuts [start, end) into pieces of rows of the
// last dim and hands each piece, with every operand's inner stride, to a loop specialised for
// inner strides 1 (load) and 0 (splat).

// Op codes, shared with src/backend/wasm/elementwise.ts (unary codes: unary.ts).

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
const MINIMUM = 5;
const POW = 6;
const RELU_GRAD = 7; // x where y > 0, else 0: the gradient x of relu through its output y

const EQ = 0;
const NE = 1;
const LT = 2;
const LE = 3;
const GT = 4;
const GE = 5;

// What a strided walk computes (compile-time constants after inlining).
const ARITH = 0; // f32 out = op(a, b)
const COMPARE = 1; // u8 out = op(a, b)
const WHERE = 2; // f32 out = cond ? a : b   (operands: cond (u8), a, b)
const COPY = 3; // operand 1 (strided dst) = operand 0

// ---------------------------------------------------------------------------------------------
// Binary arithmetic and comparisons

/** x^y in float64 with JavaScript's special cases: 1^NaN and (±1)^±∞ are NaN (C's pow says 1). */
// @ts-ignore: decorator
@inline
function powJs(x: f32, y: f32): f32 {
  if (isNaN(y) || (Mathf.abs(x) == 1 && !isFinite(y))) return NaN;
  return <f32>Math.pow(<f64>x, <f64>y);
}

// @ts-ignore: decorator
@inline
function arith(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD:
      return f32x4.add(x, y);
    case SUB:
      return f32x4.sub(x, y);
    case MUL:
      return f32x4.mul(x, y);
    case DIV:
      return f32x4.div(x, y);
    // the reference's `x >= y || isNaN(x) ? x : y`: NaN wins, ties keep x (maximum(−0, 0) = −0)
    case MAXIMUM:
      return v128.bitselect(x, y, v128.or(f32x4.ge(x, y), f32x4.ne(x, x)));
    case MINIMUM:
      return v128.bitselect(x, y, v128.or(f32x4.le(x, y), f32x4.ne(x, x)));
    case RELU_GRAD:
      return v128.and(x, f32x4.gt(y, f32x4.splat(0)));
    case POW: {
      let r = f32x4.splat(powJs(f32x4.extract_lane(x, 0), f32x4.extract_lane(y, 0)));
      r = f32x4.replace_lane(r, 1, powJs(f32x4.extract_lane(x, 1), f32x4.extract_lane(y, 1)));
      r = f32x4.replace_lane(r, 2, powJs(f32x4.extract_lane(x, 2), f32x4.extract_lane(y, 2)));
      return f32x4.replace_lane(r, 3, powJs(f32x4.extract_lane(x, 3), f32x4.extract_lane(y, 3)));
    }
  }
  return x;
}

// @ts-ignore: decorator
@inline
function arith1(op: i32, x: f32, y: f32): f32 {
  if (op == POW) return powJs(x, y);
  return f32x4.extract_lane(arith(op, f32x4.splat(x), f32x4.splat(y)), 0);
}

/** A lane mask (all ones where true). */
// @ts-ignore: decorator
@inline
function compare(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case EQ:
      return f32x4.eq(x, y);
    case NE:
      return f32x4.ne(x, y);
    case LT:
      return f32x4.lt(x, y);
    case LE:
      return f32x4.le(x, y);
    case GT:
      return f32x4.gt(x, y);
    case GE:
      return f32x4.ge(x, y);
  }
  return x;
}

/** The four lane masks of `m` as bytes 0/1 in the low 32 bits. */
// @ts-ignore: decorator
@inline
function maskBytes(m: v128): v128 {
  const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m, m), i16x8.splat(0));
  return v128.and(b, i8x16.splat(1));
}

/** Stores outputs i..i+3 of `arith` (f32) or `compare` (bytes) at `po`. */
// @ts-ignore: decorator
@inline
function binaryStore(kind: i32, op: i32, po: usize, i: i32, x: v128, y: v128): void {
  if (kind == ARITH) v128.store(po + ((<usize>i) << 2), arith(op, x, y));
  else v128.store32_lane(po + <usize>i, maskBytes(compare(op, x, y)), 0);
}

/** One run of `len` outputs of `arith` (kind ARITH) or `compare` (kind COMPARE). */
// @ts-ignore: decorator
@inline
function binaryRun(
  kind: i32,
  op: i32,
  pa: usize,
  sa: i32,
  pb: usize,
  sb: i32,
  po: usize,
  len: i32,
): void {
  const shift: usize = kind == ARITH ? 2 : 0; // output element size: f32 or u8
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= len; i += 4) {
      const o = (<usize>i) << 2;
      binaryStore(kind, op, po, i, v128.load(pa + o), v128.load(pb + o));
    }
  } else if (sa == 1 && sb == 0) {
    const y = f32x4.splat(load<f32>(pb));
    for (; i + 4 <= len; i += 4) binaryStore(kind, op, po, i, v128.load(pa + ((<usize>i) << 2)), y);
  } else if (sa == 0 && sb == 1) {
    const x = f32x4.splat(load<f32>(pa));
    for (; i + 4 <= len; i += 4) binaryStore(kind, op, po, i, x, v128.load(pb + ((<usize>i) << 2)));
  }
  // the tail, and any other inner strides, one element at a time
  let a = pa + <usize>((i * sa) << 2);
  let b = pb + <usize>((i * sb) << 2);
  const da = <usize>(sa << 2);
  const db = <usize>(sb << 2);
  for (; i < len; i++, a += da, b += db) {
    const x = load<f32>(a);
    const y = load<f32>(b);
    if (kind == ARITH) store<f32>(po + ((<usize>i) << shift), arith1(op, x, y));
    else
      store<u8>(
        po + <usize>i,
        <u8>(i32x4.extract_lane(compare(op, f32x4.splat(x), f32x4.splat(y)), 0) & 1),
      );
  }
}

/** One run of `len` outputs of `cond ? a : b` (cond bytes, nonzero = true). */
// @ts-ignore: decorator
@inline
function whereRun(
  pc: usize,
  sc: i32,
  pa: usize,
  sa: i32,
  pb: usize,
  sb: i32,
  po: usize,
  len: i32,
): void {
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const zero = i32x4.splat(0);
    const cb = i32x4.ne(i32x4.splat(<i32>load<u8>(pc)), zero);
    const ab = f32x4.splat(load<f32>(pa));
    const bb = f32x4.splat(load<f32>(pb));
    for (; i + 4 <= len; i += 4) {
      const o = (<usize>i) << 2;
      const c =
        sc == 1
          ? i32x4.ne(
              i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc + <usize>i))),
              zero,
            )
          : cb;
      const a = sa == 1 ? v128.load(pa + o) : ab;
      const b = sb == 1 ? v128.load(pb + o) : bb;
      v128.store(po + o, v128.bitselect(a, b, c));
    }
  }
  let c = pc + <usize>(i * sc);
  let a = pa + <usize>((i * sa) << 2);
  let b = pb + <usize>((i * sb) << 2);
  for (; i < len; i++, c += <usize>sc, a += <usize>(sa << 2), b += <usize>(sb << 2)) {
    store<f32>(po + ((<usize>i) << 2), load<u8>(c) != 0 ? load<f32>(a) : load<f32>(b));
  }
}

/** One run of `len` elements from `ps` (stride `ss`) to `pd` (stride `sd`). */
// @ts-ignore: decorator
@inline
function copyRun(ps: usize, ss: i32, pd: usize, sd: i32, len: i32): void {
  if (ss == 1 && sd == 1) {
    memory.copy(pd, ps, (<usize>len) << 2);
    return;
  }
  let i = 0;
  if (sd == 1) {
    // a gather: four strided loads, one vector store
    const d = <usize>(ss << 2);
    let s = ps;
    for (; i + 4 <= len; i += 4) {
      let v = f32x4.splat(load<f32>(s));
      v = f32x4.replace_lane(v, 1, load<f32>(s + d));
      v = f32x4.replace_lane(v, 2, load<f32>(s + 2 * d));
      v = f32x4.replace_lane(v, 3, load<f32>(s + 3 * d));
      v128.store(pd + ((<usize>i) << 2), v);
      s += 4 * d;
    }
  }
  let s = ps + <usize>((i * ss) << 2);
  let t = pd + <usize>((i * sd) << 2);
  for (; i < len; i++, s += <usize>(ss << 2), t += <usize>(sd << 2)) store<f32>(t, load<f32>(s));
}

// @ts-ignore: decorator
@inline
function geomAt(g: usize, i: i32): i32 {
  return load<i32>(g + ((<usize>(i + 1)) << 2));
}

/**
 * Walks output positions [start, end) of the geometry at `g` (see the top of this file) row piece
 * by row piece, running `kind`'s loop on each.
 */
// @ts-ignore: decorator
@inline
function walk(
  kind: i32,
  op: i32,
  p0: usize,
  p1: usize,
  p2: usize,
  out: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  const nd = load<i32>(g);
  const n = geomAt(g, nd - 1);
  const s0 = geomAt(g, 2 * nd - 1);
  const s1 = geomAt(g, 3 * nd - 1);
  const s2 = kind == WHERE ? geomAt(g, 4 * nd - 1) : 0;
  let pos = start;
  while (pos < end) {
    const row = pos / n;
    const col = pos - row * n;
    const len = min(n - col, end - pos);
    let o0 = col * s0;
    let o1 = col * s1;
    let o2 = col * s2;
    let r = row;
    for (let d = nd - 2; d >= 0; d--) {
      const size = geomAt(g, d);
      const q = r / size;
      const i = r - q * size;
      r = q;
      o0 += i * geomAt(g, nd + d);
      o1 += i * geomAt(g, 2 * nd + d);
      if (kind == WHERE) o2 += i * geomAt(g, 3 * nd + d);
    }
    const a0 = p0 + <usize>(o0 << 2);
    if (kind == ARITH)
      binaryRun(ARITH, op, a0, s0, p1 + <usize>(o1 << 2), s1, out + ((<usize>pos) << 2), len);
    else if (kind == COMPARE)
      binaryRun(COMPARE, op, a0, s0, p1 + <usize>(o1 << 2), s1, out + <usize>pos, len);
    else if (kind == WHERE)
      whereRun(
        p0 + <usize>o0,
        s0,
        p1 + <usize>(o1 << 2),
        s1,
        p2 + <usize>(o2 << 2),
        s2,
        out + ((<usize>pos) << 2),
        len,
      );
    else copyRun(a0, s0, p1 + <usize>(o1 << 2), s1, len);
    pos += len;
  }
}

/**
 * out[i] = op(a[i], b[i]) (float32) over output positions [start, end); `out` may be the memory
 * of `a` or `b` when that operand is laid out as the output.
 */
export function binaryF32(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  switch (op) {
    case ADD:
      walk(ARITH, ADD, a, b, 0, out, g, start, end);
      break;
    case SUB:
      walk(ARITH, SUB, a, b, 0, out, g, start, end);
      break;
    case MUL:
      walk(ARITH, MUL, a, b, 0, out, g, start, end);
      break;
    case DIV:
      walk(ARITH, DIV, a, b, 0, out, g, start, end);
      break;
    case MAXIMUM:
      walk(ARITH, MAXIMUM, a, b, 0, out, g, start, end);
      break;
    case MINIMUM:
      walk(ARITH, MINIMUM, a, b, 0, out, g, start, end);
      break;
    case POW:
      walk(ARITH, POW, a, b, 0, out, g, start, end);
      break;
    case RELU_GRAD:
      walk(ARITH, RELU_GRAD, a, b, 0, out, g, start, end);
      break;
  }
}

/** out[i] = op(a[i], b[i]) ? 1 : 0 (bytes) over output positions [start, end). */
export function compareF32(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  switch (op) {
    case EQ:
      walk(COMPARE, EQ, a, b, 0, out, g, start, end);
      break;
    case NE:
      walk(COMPARE, NE, a, b, 0, out, g, start, end);
      break;
    case LT:
      walk(COMPARE, LT, a, b, 0, out, g, start, end);
      break;
    case LE:
      walk(COMPARE, LE, a, b, 0, out, g, start, end);
      break;
    case GT:
      walk(COMPARE, GT, a, b, 0, out, g, start, end);
      break;
    case GE:
      walk(COMPARE, GE, a, b, 0, out, g, start, end);
      break;
  }
}

/** out[i] = cond[i] ? a[i] : b[i] over output positions [start, end); `cond` holds bytes. */
export function whereF32(
  cond: usize,
  a: usize,
  b: usize,
  out: usize,
  g: usize,
  start: i32,
  end: i32,
): void {
  walk(WHERE, 0, cond, a, b, out, g, start, end);
}

/** dst[i] = src[i] over positions [start, end) of the (row-major) shape both views share. */
export function copyF32(src: usize, dst: usize, g: usize, start: i32, end: i32): void {
  walk(COPY, 0, src, dst, 0, 0, g, start, end);
}

/**
 * The batched transpose `dst[b, i, j] = src[b·sb + i + j·sj]` (dst contiguous [B, rows, cols]),
 * over flat dst rows (b, i) in [start, end): 4×4 tiles, four column loads transposed in registers
 * into four row stores. Permutes that move the contiguous dim (NCHW → NHWC, a matrix transpose)
 * reduce to it.
 */
export function transposeF32(
  src: usize,
  dst: usize,
  rows: i32,
  cols: i32,
  sb: i32,
  sj: i32,
  start: i32,
  end: i32,
): void {
  const step = <usize>(sj << 2);
  let pos = start;
  while (pos < end) {
    const b = pos / rows;
    const i0 = pos - b * rows;
    const i1 = min(rows, i0 + end - pos);
    const s = src + <usize>((b * sb) << 2);
    const d = dst + <usize>((b * rows * cols) << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const o = d + <usize>((i * cols) << 2);
      const rowBytes = <usize>(cols << 2);
      let p = s + <usize>(i << 2);
      let j = 0;
      for (; j + 4 <= cols; j += 4, p += 4 * step) {
        const r0 = v128.load(p);
        const r1 = v128.load(p + step);
        const r2 = v128.load(p + 2 * step);
        const r3 = v128.load(p + 3 * step);
        const a0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const a1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const a2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const a3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const q = o + ((<usize>j) << 2);
        v128.store(q, v128.shuffle<f32>(a0, a2, 0, 1, 4, 5));
        v128.store(q + rowBytes, v128.shuffle<f32>(a0, a2, 2, 3, 6, 7));
        v128.store(q + 2 * rowBytes, v128.shuffle<f32>(a1, a3, 0, 1, 4, 5));
        v128.store(q + 3 * rowBytes, v128.shuffle<f32>(a1, a3, 2, 3, 6, 7));
      }
      for (; j < cols; j++, p += step) {
        const v = v128.load(p);
        const q = o + ((<usize>j) << 2);
        store<f32>(q, f32x4.extract_lane(v, 0));
        store<f32>(q + rowBytes, f32x4.extract_lane(v, 1));
        store<f32>(q + 2 * rowBytes, f32x4.extract_lane(v, 2));
        store<f32>(q + 3 * rowBytes, f32x4.extract_lane(v, 3));
      }
    }
    for (; i < i1; i++) {
      copyRun(s + <usize>(i << 2), sj, d + <usize>((i * cols) << 2), 1, cols);
    }
    pos += i1 - i0;
  }
}
