// Fused optimizer updates over the concatenation of many float32 parameters, in place. Every
// element is independent, so a pool may split the elements anywhere. Each operation rounds to
// float32 exactly as the chain of tensor ops in @tsgrad/optim does (no fused multiply-add, even in
// the relaxed build), so the result is bitwise the JS reference's.

/** Adam's weight-decay modes: none, L2 (`g ← g + λθ`), decoupled (`θ ← θ·(1 − lr·λ)`). */
const DECAY_L2 = 1;
const DECAY_DECOUPLED = 2;

/**
 * One Adam / AdamW step of elements [start, end) of the concatenated parameters `p`, gradients
 * `g`, first and second moments `m`, `v`. Parameter k spans [segStart[k], segStart[k + 1]) and has
 * its own bias corrections: `segStep[k]` = −lr/(1 − β₁ᵗ) and `segBias[k]` = √(1 − β₂ᵗ) (float32).
 * `decay` is λ (L2) or 1 − lr·λ (decoupled) per `mode`.
 */
export function adamF32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  segStart: usize,
  segStep: usize,
  segBias: usize,
  segments: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  eps: f32,
  decay: f32,
  mode: i32,
  start: i32,
  end: i32,
): void {
  for (let k = 0; k < segments; k++) {
    const s0 = max(load<i32>(segStart + (<usize>k << 2)), start);
    const s1 = min(load<i32>(segStart + (<usize>(k + 1) << 2)), end);
    if (s0 >= s1) continue;
    const step = load<f32>(segStep + (<usize>k << 2));
    const bias = load<f32>(segBias + (<usize>k << 2));
    const b1v = f32x4.splat(beta1);
    const c1v = f32x4.splat(oneMinusBeta1);
    const b2v = f32x4.splat(beta2);
    const c2v = f32x4.splat(oneMinusBeta2);
    const epsv = f32x4.splat(eps);
    const decv = f32x4.splat(decay);
    const stepv = f32x4.splat(step);
    const biasv = f32x4.splat(bias);
    let i = s0;
    for (; i + 4 <= s1; i += 4) {
      const o = <usize>i << 2;
      let pv = v128.load(p + o);
      let gv = v128.load(g + o);
      if (mode == DECAY_DECOUPLED) pv = f32x4.mul(pv, decv);
      else if (mode == DECAY_L2) gv = f32x4.add(gv, f32x4.mul(pv, decv));
      const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1v), f32x4.mul(gv, c1v));
      const vv = f32x4.add(f32x4.mul(v128.load(v + o), b2v), f32x4.mul(f32x4.mul(gv, c2v), gv));
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), biasv), epsv);
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      v128.store(p + o, f32x4.add(pv, f32x4.div(f32x4.mul(mv, stepv), denom)));
    }
    for (; i < s1; i++) {
      const o = <usize>i << 2;
      let pv = load<f32>(p + o);
      let gv = load<f32>(g + o);
      if (mode == DECAY_DECOUPLED) pv = pv * decay;
      else if (mode == DECAY_L2) gv = gv + pv * decay;
      const mv = load<f32>(m + o) * beta1 + gv * oneMinusBeta1;
      const vv = load<f32>(v + o) * beta2 + gv * oneMinusBeta2 * gv;
      const denom = sqrt<f32>(vv) / bias + eps;
      store<f32>(m + o, mv);
      store<f32>(v + o, vv);
      store<f32>(p + o, pv + (mv * step) / denom);
    }
  }
}
