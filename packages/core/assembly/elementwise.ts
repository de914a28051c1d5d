// Elementwise kernels over contiguous float32 runs, with a row range so a pool can split them.

/** out[i] = max(x[i], 0) for i in [start, end). */
export function reluF32(x: usize, out: usize, start: i32, end: i32): void {
  const zero = f32x4.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.max(v128.load(x + o), zero));
  }
  for (; i < end; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v > 0 ? v : 0);
  }
}
