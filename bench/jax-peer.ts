/**
 * jax-js 0.1.25 peer (`@jax-js/jax`, WASM device, single-threaded in Node: its worker threads need
 * a global `Worker`): the reference convnet's whole training step (gradient + a hand-written
 * Adam) under one `jit`, NCHW. Two forms of the conv, as in `shared/notes/peers.md`:
 * - `conv`: its own `lax.convGeneralDilated` (lowers to a generic scalar loop, hence slow);
 * - `patches`: a rewrite, patches from `lax.reduceWindow` times weights stored `[Cin·25, Cout]`.
 *
 * Ownership: every jax-js op and jit'd call consumes its array arguments; `a.ref` keeps one.
 */
import {
  blockUntilReady,
  defaultDevice,
  init,
  jit,
  lax,
  nn,
  numpy as np,
  tree,
  valueAndGrad,
} from "@jax-js/jax";
import { peakRssMiB, timeSteps, type StepSample } from "./protocol.js";

/** Which conv the model uses. */
export type JaxConvForm = "conv" | "patches";

type Name = "c1w" | "c1b" | "g1" | "b1" | "c2w" | "c2b" | "g2" | "b2" | "fcw" | "fcb";
type Params = Record<Name, np.Array>;
const NAMES: readonly Name[] = ["c1w", "c1b", "g1", "b1", "c2w", "c2b", "g2", "b2", "fcw", "fcb"];

/** Deterministic uniform values in [-bound, bound) (a small LCG; the values do not matter). */
function uniform(shape: number[], bound: number, seed: number): np.Array {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 2 * bound - bound;
  }
  return np.array(data).reshape(shape);
}

function initParams(form: JaxConvForm): Params {
  // PyTorch's default bound 1/√fan_in; conv weights OIHW for `conv`, [Cin·25, Cout] for `patches`.
  const convW = (cin: number, cout: number, seed: number): np.Array =>
    uniform(form === "conv" ? [cout, cin, 5, 5] : [cin * 25, cout], 1 / Math.sqrt(cin * 25), seed);
  return {
    c1w: convW(1, 16, 1),
    c1b: uniform([16], 1 / 5, 2),
    g1: np.ones([16]),
    b1: np.zeros([16]),
    c2w: convW(16, 32, 3),
    c2b: uniform([32], 1 / 20, 4),
    g2: np.ones([32]),
    b2: np.zeros([32]),
    fcw: uniform([32 * 7 * 7, 10], 1 / Math.sqrt(32 * 7 * 7), 5),
    fcb: uniform([10], 1 / Math.sqrt(32 * 7 * 7), 6),
  };
}

/** 5×5 conv, stride 1, padding 2, plus bias. Shape: [N, Cin, H, W] → [N, Cout, H, W]. */
function conv(form: JaxConvForm, x: np.Array, w: np.Array, b: np.Array): np.Array {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  if (form === "conv") {
    const y = lax.convGeneralDilated(
      x,
      w,
      [1, 1],
      [
        [2, 2],
        [2, 2],
      ],
    );
    return y.add(b.reshape([1, -1, 1, 1]));
  }
  const padded = np.pad(x, [
    [0, 0],
    [0, 0],
    [2, 2],
    [2, 2],
  ]);
  // Identity as the window computation keeps the windows: [N, Cin, H, W, 5, 5].
  const patches = lax
    .reduceWindow(padded, (win) => win, [5, 5], [1, 1])
    .transpose([0, 2, 3, 1, 4, 5])
    .reshape([n * h * wd, cin * 25]);
  const y = np.matmul(patches, w).add(b); // [N·H·W, Cout]
  return y.reshape([n, h, wd, -1]).transpose([0, 3, 1, 2]);
}

/** Batch norm with batch statistics (no BN op in jax-js: written by hand). */
function batchNorm(x: np.Array, gamma: np.Array, beta: np.Array): np.Array {
  const centred = x.ref.sub(x.mean([0, 2, 3], { keepdims: true }));
  const variance = np.square(centred.ref).mean([0, 2, 3], { keepdims: true });
  const normed = centred.div(np.sqrt(variance.add(1e-5)));
  return normed.mul(gamma.reshape([1, -1, 1, 1])).add(beta.reshape([1, -1, 1, 1]));
}

/** conv → batch norm → ReLU → 2×2 max pool. */
function block(
  form: JaxConvForm,
  x: np.Array,
  w: np.Array,
  b: np.Array,
  g: np.Array,
  be: np.Array,
) {
  const y = nn.relu(batchNorm(conv(form, x, w, b), g, be));
  return lax.reduceWindow(y, np.max, [2, 2], [2, 2]);
}

/** Mean cross-entropy of the convnet's logits against integer labels. */
function lossFn(form: JaxConvForm, p: Params, x: np.Array, y: np.Array): np.Array {
  const n = x.shape[0]!;
  let h = block(form, x, p.c1w, p.c1b, p.g1, p.b1);
  h = block(form, h, p.c2w, p.c2b, p.g2, p.b2);
  const logits = np.matmul(h.reshape([n, 32 * 7 * 7]), p.fcw).add(p.fcb);
  return nn
    .logSoftmax(logits, -1)
    .mul(nn.oneHot(y, 10))
    .sum()
    .mul(-1 / n);
}

const [LR, BETA1, BETA2, EPS] = [1e-3, 0.9, 0.999, 1e-8];

/**
 * One jit'd training step. `c1`, `c2` are Adam's bias corrections 1/(1−β₁ᵗ), 1/(1−β₂ᵗ) as scalar
 * arrays, so one compiled step serves every t. Returns the new parameters, moments and the loss.
 */
function makeStep(form: JaxConvForm) {
  return jit(
    (p: Params, m: Params, v: Params, x: np.Array, y: np.Array, c1: np.Array, c2: np.Array) => {
      const [loss, g] = valueAndGrad((q: Params) => lossFn(form, q, x, y))(tree.ref(p));
      const out = { p: {} as Params, m: {} as Params, v: {} as Params };
      for (const k of NAMES) {
        const gk = g[k];
        const mk = m[k].mul(BETA1).add(gk.ref.mul(1 - BETA1));
        const vk = v[k].mul(BETA2).add(np.square(gk).mul(1 - BETA2));
        const update = mk.ref.mul(c1.ref).div(np.sqrt(vk.ref.mul(c2.ref)).add(EPS));
        out.p[k] = p[k].sub(update.mul(LR));
        out.m[k] = mk;
        out.v[k] = vk;
      }
      c1.dispose();
      c2.dispose();
      return [out.p, out.m, out.v, loss] as [Params, Params, Params, np.Array];
    },
  );
}

/** Times jit'd training steps (lr 1e-3 Adam, cross-entropy) of the convnet in jax-js on WASM. */
export async function timeJax(
  form: JaxConvForm,
  opts: { batch: number; warmup: number; steps: number },
): Promise<StepSample> {
  await init("wasm");
  defaultDevice("wasm");
  let p = initParams(form);
  const zeros = (): Params =>
    Object.fromEntries(NAMES.map((k) => [k, np.zerosLike(p[k].ref)])) as Params;
  let m = zeros();
  let v = zeros();
  const x = uniform([opts.batch, 1, 28, 28], 0.5, 7).add(0.5);
  const labels = Int32Array.from({ length: opts.batch }, (_, i) => (i * 7) % 10);
  const y = np.array(labels, { dtype: np.int32 });
  const step = makeStep(form);
  let t = 0;
  const samplesPerSecond = await timeSteps(async () => {
    t++;
    const c1 = np.array([1 / (1 - BETA1 ** t)]);
    const c2 = np.array([1 / (1 - BETA2 ** t)]);
    let loss: np.Array;
    [p, m, v, loss] = step(p, m, v, x.ref, y.ref, c1, c2);
    await blockUntilReady([p, m, v]);
    loss.dispose();
  }, opts);
  return {
    kind: "step",
    ran: `jax-js wasm, jit, ${form === "conv" ? "lax.convGeneralDilated" : "patches + matmul"}`,
    samplesPerSecond,
    steps: opts.steps,
    maxRssMiB: peakRssMiB(),
  };
}
