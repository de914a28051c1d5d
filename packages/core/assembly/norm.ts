// Batch norm over contiguous float32 [N, C, L] data (L = the product of the dims after C). The
// statistics and backward kernels own a range of channels [start, end), so every per-channel sum
// is computed by one thread in one fixed order (bitwise the same for any thread count); the forward
// kernel owns a range of rows (n, c). Sums run in float32 SIMD over blocks of at most BLOCK
// elements and accumulate the blocks in float64, so the rounding error does not grow with N·L.

const BLOCK = 256;

// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  const lo = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1);
  return lo + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ x over the `n` floats at `p`. */
function sumRun(p: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; ) {
    const e = min(i + BLOCK, n);
    let acc = f32x4.splat(0);
    let j = i;
    for (; j + 4 <= e; j += 4) acc = f32x4.add(acc, v128.load(p + (<usize>j << 2)));
    let s = lanes(acc);
    for (; j < e; j++) s += load<f32>(p + (<usize>j << 2));
    total += <f64>s;
    i = e;
  }
  return total;
}

/** Σ (x − m)² over the `n` floats at `p`. */
function sumSqDevRun(p: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let total: f64 = 0;
  for (let i = 0; i < n; ) {
    const e = min(i + BLOCK, n);
    let acc = f32x4.splat(0);
    let j = i;
    for (; j + 4 <= e; j += 4) {
      const t = f32x4.sub(v128.load(p + (<usize>j << 2)), mv);
      acc = f32x4.add(acc, f32x4.mul(t, t));
    }
    let s = lanes(acc);
    for (; j < e; j++) {
      const t = load<f32>(p + (<usize>j << 2)) - m;
      s += t * t;
    }
    total += <f64>s;
    i = e;
  }
  return total;
}

/**
 * Per-channel mean and biased variance of channels [start, end), written as float64 to `mean`
 * and `variance` [C]: two passes over each channel (its data is cache-resident for the second).
 */
export function batchNormStatsF32(
  x: usize,
  mean: usize,
  variance: usize,
  N: i32,
  C: i32,
  L: i32,
  start: i32,
  end: i32,
): void {
  const count = <f64>N * <f64>L;
  for (let c = start; c < end; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += sumRun(x + ((<usize>(n * C + c) * <usize>L) << 2), L);
    const m = s / count;
    const m32 = <f32>m;
    let q: f64 = 0;
    for (let n = 0; n < N; n++) {
      q += sumSqDevRun(x + ((<usize>(n * C + c) * <usize>L) << 2), L, m32);
    }
    store<f64>(mean + (<usize>c << 3), m);
    store<f64>(variance + (<usize>c << 3), q / count);
  }
}

/**
 * `out = (x − mean[c])·scale[c] + bias[c]` for rows [start, end) of [N·C] rows of L floats; the
 * per-channel vectors are float32 [C] (scale = invstd·weight).
 */
export function batchNormForwardF32(
  x: usize,
  out: usize,
  mean: usize,
  scale: usize,
  bias: usize,
  C: i32,
  L: i32,
  start: i32,
  end: i32,
): void {
  for (let r = start; r < end; r++) {
    const c = <usize>(r % C) << 2;
    const m = load<f32>(mean + c);
    const sc = load<f32>(scale + c);
    const b = load<f32>(bias + c);
    const mv = f32x4.splat(m);
    const sv = f32x4.splat(sc);
    const bv = f32x4.splat(b);
    const base = (<usize>r * <usize>L) << 2;
    const xs = x + base;
    const os = out + base;
    let l = 0;
    for (; l + 4 <= L; l += 4) {
      const o = <usize>l << 2;
      const t = f32x4.sub(v128.load(xs + o), mv);
      v128.store(os + o, f32x4.add(f32x4.mul(t, sv), bv));
    }
    for (; l < L; l++) {
      const o = <usize>l << 2;
      store<f32>(os + o, (load<f32>(xs + o) - m) * sc + b);
    }
  }
}

/**
 * Fused batch-norm backward of channels [start, end). With x̂ = (x − μ)·σ⁻¹ and M = N·L, one pass
 * per channel takes Σg and Σg·(x − μ), giving gradBias = Σg and gradWeight = Σg·x̂ (float32
 * [C]); a second pass, over cache-resident data, writes
 * gradInput = w·σ⁻¹·(g − Σg/M − (x − μ)·σ⁻²·Σg·(x − μ)/M) in training, w·σ⁻¹·g in eval.
 * `params` holds float64 [3, C]: mean, invstd, weight.
 */
export function batchNormBackwardF32(
  grad: usize,
  x: usize,
  gradInput: usize,
  gradWeight: usize,
  gradBias: usize,
  params: usize,
  N: i32,
  C: i32,
  L: i32,
  training: i32,
  start: i32,
  end: i32,
): void {
  const count = <f64>N * <f64>L;
  const cb = <usize>C << 3;
  for (let c = start; c < end; c++) {
    const co = <usize>c << 3;
    const mean = load<f64>(params + co);
    const invstd = load<f64>(params + cb + co);
    const weight = load<f64>(params + 2 * cb + co);
    const m = <f32>mean;
    const mv = f32x4.splat(m);
    // pass 1: Σg and Σg·(x − μ), float32 blocks accumulated in float64
    let sg: f64 = 0;
    let sgx: f64 = 0;
    for (let n = 0; n < N; n++) {
      const base = (<usize>(n * C + c) * <usize>L) << 2;
      const gs = grad + base;
      const xs = x + base;
      for (let i = 0; i < L; ) {
        const e = min(i + BLOCK, L);
        let ag = f32x4.splat(0);
        let agx = f32x4.splat(0);
        let j = i;
        for (; j + 4 <= e; j += 4) {
          const o = <usize>j << 2;
          const gv = v128.load(gs + o);
          ag = f32x4.add(ag, gv);
          agx = f32x4.add(agx, f32x4.mul(gv, f32x4.sub(v128.load(xs + o), mv)));
        }
        let bg = lanes(ag);
        let bgx = lanes(agx);
        for (; j < e; j++) {
          const o = <usize>j << 2;
          const gv = load<f32>(gs + o);
          bg += gv;
          bgx += gv * (load<f32>(xs + o) - m);
        }
        sg += <f64>bg;
        sgx += <f64>bgx;
        i = e;
      }
    }
    store<f32>(gradWeight + (<usize>c << 2), <f32>(sgx * invstd));
    store<f32>(gradBias + (<usize>c << 2), <f32>sg);
    const sc = <f32>(weight * invstd);
    const mg: f32 = training ? <f32>(sg / count) : 0;
    const pj: f32 = training ? <f32>((sgx * invstd * invstd) / count) : 0;
    // pass 2: gradInput
    const scv = f32x4.splat(sc);
    const mgv = f32x4.splat(mg);
    const pjv = f32x4.splat(pj);
    for (let n = 0; n < N; n++) {
      const base = (<usize>(n * C + c) * <usize>L) << 2;
      const gs = grad + base;
      const xs = x + base;
      const os = gradInput + base;
      let l = 0;
      for (; l + 4 <= L; l += 4) {
        const o = <usize>l << 2;
        const xc = f32x4.sub(v128.load(xs + o), mv);
        const t = f32x4.sub(f32x4.sub(v128.load(gs + o), mgv), f32x4.mul(xc, pjv));
        v128.store(os + o, f32x4.mul(scv, t));
      }
      for (; l < L; l++) {
        const o = <usize>l << 2;
        store<f32>(os + o, sc * (load<f32>(gs + o) - mg - (load<f32>(xs + o) - m) * pj));
      }
    }
  }
}
