// 2-D pooling over the planes of contiguous float32 [N·C, H, W] data. Every kernel takes the range
// of planes [start, end) it owns, so a pool splits planes across threads and no two threads touch
// one plane. Window rules and rounding follow the JS reference (src/backend/js/pool.ts) exactly:
// max pooling keeps the first maximum in row-major window order and lets a NaN win; average
// pooling sums and divides in float64 as the reference does, so both agree bitwise.

/**
 * Max pooling of planes [start, end): values and plane-flat argmax indices `h·W + w`, for any
 * kernel (kh, kw), stride, padding and dilation; the output size (OH, OW) comes from the caller
 * (ceil mode included).
 */
export function maxPool2dF32(
  x: usize,
  values: usize,
  indices: usize,
  H: i32,
  W: i32,
  OH: i32,
  OW: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  dh: i32,
  dw: i32,
  start: i32,
  end: i32,
): void {
  const plane = <usize>(H * W);
  const outPlane = <usize>(OH * OW);
  for (let pl = start; pl < end; pl++) {
    const xb = x + ((<usize>pl * plane) << 2);
    let o = (<usize>pl * outPlane) << 2;
    for (let oh = 0; oh < OH; oh++) {
      let h0 = oh * sh - ph;
      const h1 = min(h0 + (kh - 1) * dh + 1, H);
      while (h0 < 0) h0 += dh;
      for (let ow = 0; ow < OW; ow++, o += 4) {
        let w0 = ow * sw - pw;
        const w1 = min(w0 + (kw - 1) * dw + 1, W);
        while (w0 < 0) w0 += dw;
        let best: f32 = -Infinity;
        let bi = h0 * W + w0;
        for (let h = h0; h < h1; h += dh) {
          const row = h * W;
          for (let w = w0; w < w1; w += dw) {
            const v = load<f32>(xb + (<usize>(row + w) << 2));
            // strict > keeps the first maximum on ties; a NaN always wins, as in PyTorch
            // (selects, not branches: random data would mispredict half of them)
            const take = v > best || v != v;
            best = select<f32>(v, best, take);
            bi = select<i32>(row + w, bi, take);
          }
        }
        store<f32>(values + o, best);
        store<i32>(indices + o, bi);
      }
    }
  }
}

/**
 * The 2×2 stride-2 maxima of four neighbouring outputs ow .. ow + 3 of one output row, from input
 * rows `r0` and `r1` (`top` = the plane index of r0's first element), written at `values` and
 * `indices` (the output row's start): two 8-float loads per input row, deinterleaved into the
 * windows' four taps, which are compared in window order.
 */
// @ts-ignore: decorator
@inline
function maxOf4Windows(
  r0: usize,
  r1: usize,
  top: i32,
  ow: i32,
  W: i32,
  values: usize,
  indices: usize,
): void {
  const c0 = <usize>(2 * ow) << 2;
  const lo0 = v128.load(r0 + c0);
  const hi0 = v128.load(r0 + c0 + 16);
  const lo1 = v128.load(r1 + c0);
  const hi1 = v128.load(r1 + c0 + 16);
  // taps in window order: a = (0, 0), b = (0, 1), c = (1, 0), d = (1, 1)
  let best = f32x4.shuffle(lo0, hi0, 0, 2, 4, 6);
  const b = f32x4.shuffle(lo0, hi0, 1, 3, 5, 7);
  const c = f32x4.shuffle(lo1, hi1, 0, 2, 4, 6);
  const d = f32x4.shuffle(lo1, hi1, 1, 3, 5, 7);
  let code = i32x4.splat(0);
  let m = v128.or(f32x4.gt(b, best), f32x4.ne(b, b));
  best = v128.bitselect(b, best, m);
  code = v128.bitselect(i32x4.splat(1), code, m);
  m = v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
  best = v128.bitselect(c, best, m);
  code = v128.bitselect(i32x4.splat(W), code, m);
  m = v128.or(f32x4.gt(d, best), f32x4.ne(d, d));
  best = v128.bitselect(d, best, m);
  code = v128.bitselect(i32x4.splat(W + 1), code, m);
  const o = <usize>ow << 2;
  v128.store(values + o, best);
  const first = i32x4.add(i32x4.splat(top + 2 * ow), i32x4(0, 2, 4, 6));
  v128.store(indices + o, i32x4.add(first, code));
}

/**
 * Max pooling with a 2×2 window, stride 2, no padding or dilation, every window inside the input
 * (2·OH ≤ H, 2·OW ≤ W): the reference convnet's pooling, four outputs per step. A row whose width
 * is not a multiple of 4 ends with a group overlapping the previous one (same values rewritten).
 */
export function maxPool2x2F32(
  x: usize,
  values: usize,
  indices: usize,
  H: i32,
  W: i32,
  OH: i32,
  OW: i32,
  start: i32,
  end: i32,
): void {
  const plane = <usize>(H * W);
  const outPlane = <usize>(OH * OW);
  for (let pl = start; pl < end; pl++) {
    const xb = x + ((<usize>pl * plane) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const top = 2 * oh * W;
      const r0 = xb + (<usize>top << 2);
      const r1 = r0 + (<usize>W << 2);
      const o = (<usize>pl * outPlane + <usize>(oh * OW)) << 2;
      const vo = values + o;
      const io = indices + o;
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) maxOf4Windows(r0, r1, top, ow, W, vo, io);
      if (ow < OW && OW >= 4) maxOf4Windows(r0, r1, top, OW - 4, W, vo, io);
      // narrow outputs (OW < 4): one window at a time
      for (; ow < OW && OW < 4; ow++) {
        const w = 2 * ow;
        let best = load<f32>(r0 + (<usize>w << 2));
        let bi = top + w;
        for (let t = 1; t < 4; t++) {
          const at = top + (t >> 1) * W + w + (t & 1);
          const v = load<f32>(xb + (<usize>at << 2));
          const take = v > best || v != v;
          best = select<f32>(v, best, take);
          bi = select<i32>(at, bi, take);
        }
        store<f32>(vo + (<usize>ow << 2), best);
        store<i32>(io + (<usize>ow << 2), bi);
      }
    }
  }
}

/**
 * Backward of max pooling for planes [start, end): zeroes each input plane of `HW` floats, then
 * adds each of its `L` output gradients at its plane index (indices outside the plane are skipped,
 * so a bad index cannot write outside the plane).
 */
export function maxPool2dBackwardF32(
  grad: usize,
  indices: usize,
  out: usize,
  HW: i32,
  L: i32,
  start: i32,
  end: i32,
): void {
  for (let pl = start; pl < end; pl++) {
    const ob = out + ((<usize>pl * <usize>HW) << 2);
    const gb = (<usize>pl * <usize>L) << 2;
    memory.fill(ob, 0, <usize>HW << 2);
    for (let j = 0; j < L; j++) {
      const jo = gb + (<usize>j << 2);
      const at = load<i32>(indices + jo);
      if (<u32>at >= <u32>HW) continue;
      const p = ob + (<usize>at << 2);
      store<f32>(p, load<f32>(p) + load<f32>(grad + jo));
    }
  }
}

/**
 * The divisor of the average-pool window at (oh, ow), or 0 for a window outside the input:
 * PyTorch's rule, `lo = o·S − P`, `hi = min(lo + K, I + P)` (its length is the padded size), then
 * clipped to [0, I). `divisor` ≠ 0 overrides it.
 */
// @ts-ignore: decorator
@inline
function windowDivisor(
  ph0: i32,
  ph1: i32,
  pw0: i32,
  pw1: i32,
  h0: i32,
  h1: i32,
  w0: i32,
  w1: i32,
  countIncludePad: i32,
  divisor: f64,
): f64 {
  if (h1 <= h0 || w1 <= w0) return 0;
  if (divisor != 0) return divisor;
  return countIncludePad ? <f64>((ph1 - ph0) * (pw1 - pw0)) : <f64>((h1 - h0) * (w1 - w0));
}

/**
 * Average pooling of planes [start, end) (no dilation); `divisor` 0 means none given. Sums in
 * float64 in row-major window order and divides in float64, as the reference does.
 */
export function avgPool2dF32(
  x: usize,
  out: usize,
  H: i32,
  W: i32,
  OH: i32,
  OW: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  countIncludePad: i32,
  divisor: f64,
  start: i32,
  end: i32,
): void {
  const plane = <usize>(H * W);
  const outPlane = <usize>(OH * OW);
  for (let pl = start; pl < end; pl++) {
    const xb = x + ((<usize>pl * plane) << 2);
    let o = out + ((<usize>pl * outPlane) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const ph0 = oh * sh - ph;
      const ph1 = min(ph0 + kh, H + ph);
      const h0 = max(ph0, 0);
      const h1 = min(ph1, H);
      for (let ow = 0; ow < OW; ow++, o += 4) {
        const pw0 = ow * sw - pw;
        const pw1 = min(pw0 + kw, W + pw);
        const w0 = max(pw0, 0);
        const w1 = min(pw1, W);
        const d = windowDivisor(ph0, ph1, pw0, pw1, h0, h1, w0, w1, countIncludePad, divisor);
        if (d == 0) {
          store<f32>(o, 0);
          continue;
        }
        let acc: f64 = 0;
        for (let h = h0; h < h1; h++) {
          const row = xb + (<usize>(h * W) << 2);
          for (let w = w0; w < w1; w++) acc += <f64>load<f32>(row + (<usize>w << 2));
        }
        store<f32>(o, <f32>(acc / d));
      }
    }
  }
}

/**
 * The adjoint of `avgPool2dF32` for planes [start, end): zeroes each input plane, then adds each
 * output's gradient / divisor (float64) over its window, rounding each sum to float32 as the
 * reference does.
 */
export function avgPool2dBackwardF32(
  grad: usize,
  out: usize,
  H: i32,
  W: i32,
  OH: i32,
  OW: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  countIncludePad: i32,
  divisor: f64,
  start: i32,
  end: i32,
): void {
  const plane = <usize>(H * W);
  const outPlane = <usize>(OH * OW);
  for (let pl = start; pl < end; pl++) {
    const ob = out + ((<usize>pl * plane) << 2);
    let g = grad + ((<usize>pl * outPlane) << 2);
    memory.fill(ob, 0, plane << 2);
    for (let oh = 0; oh < OH; oh++) {
      const ph0 = oh * sh - ph;
      const ph1 = min(ph0 + kh, H + ph);
      const h0 = max(ph0, 0);
      const h1 = min(ph1, H);
      for (let ow = 0; ow < OW; ow++, g += 4) {
        const pw0 = ow * sw - pw;
        const pw1 = min(pw0 + kw, W + pw);
        const w0 = max(pw0, 0);
        const w1 = min(pw1, W);
        const d = windowDivisor(ph0, ph1, pw0, pw1, h0, h1, w0, w1, countIncludePad, divisor);
        if (d == 0) continue;
        const v = <f64>load<f32>(g) / d;
        for (let h = h0; h < h1; h++) {
          const row = ob + (<usize>(h * W) << 2);
          for (let w = w0; w < w1; w++) {
            const p = row + (<usize>w << 2);
            store<f32>(p, <f32>(<f64>load<f32>(p) + v));
          }
        }
      }
    }
  }
}
