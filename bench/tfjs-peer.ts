/**
 * TensorFlow.js 4.22 peer: the reference convnet's training step written with tf ops (NHWC,
 * filters HWIO), Adam through `tf.train.adam`. The `wasm` backend (XNNPACK) has no
 * `Conv2DBackpropFilter` kernel, so as shipped it cannot train a convnet; here both conv gradients
 * are rewritten as forward convs through `tf.customGrad` (a workaround, labelled so in the table).
 * The same model runs on `cpu` (pure JS) for scale.
 */
import * as tf from "@tensorflow/tfjs";
import { peakRssMiB, timeSteps, type StepSample } from "./protocol.js";

/**
 * 5×5 conv, stride 1, padding 2, whose gradients are forward convs:
 * dx = conv(dy, w flipped in space with in/out channels swapped, pad 2);
 * dW[kh,kw,ci,co] = Σ_{n,h,w} xpad[n,h+kh,w+kw,ci]·dy[n,h,w,co] = a forward conv of x with
 * batch and channel axes swapped ([Cin,H,W,N]) by dy used as an [H,W,N,Cout] filter, pad 2.
 */
const conv5x5 = tf.customGrad((...args) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 2),
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const wT = tf.reverse(ws, [0, 1]).transpose<tf.Tensor4D>([0, 1, 3, 2]);
      const dx = tf.conv2d(dy, wT, 1, 2);
      const xT = xs.transpose<tf.Tensor4D>([3, 1, 2, 0]);
      const dyT = dy.transpose<tf.Tensor4D>([1, 2, 0, 3]);
      const dw = tf.conv2d(xT, dyT, 1, 2).transpose<tf.Tensor4D>([1, 2, 0, 3]);
      return [dx, dw];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

type Params = Record<
  "c1w" | "c1b" | "g1" | "b1" | "c2w" | "c2b" | "g2" | "b2" | "fcw" | "fcb",
  tf.Variable
>;

/** PyTorch's default init bound, 1/√fan_in, for weights and biases alike. */
function uniform(shape: number[], fanIn: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, "float32", 0));
}

function initParams(): Params {
  return {
    c1w: uniform([5, 5, 1, 16], 25),
    c1b: uniform([16], 25),
    g1: tf.variable(tf.ones([16])),
    b1: tf.variable(tf.zeros([16])),
    c2w: uniform([5, 5, 16, 32], 400),
    c2b: uniform([32], 400),
    g2: tf.variable(tf.ones([32])),
    b2: tf.variable(tf.zeros([32])),
    fcw: uniform([32 * 7 * 7, 10], 32 * 7 * 7),
    fcb: uniform([10], 32 * 7 * 7),
  };
}

/** conv → batch norm (batch statistics) → ReLU → 2×2 max pool. */
function block(
  x: tf.Tensor4D,
  w: tf.Tensor,
  b: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
): tf.Tensor4D {
  const y = conv5x5(x, w as tf.Tensor4D).add<tf.Tensor4D>(b);
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  const z = tf.batchNorm(y, mean, variance, beta, gamma, 1e-5);
  return tf.maxPool(tf.relu(z as tf.Tensor4D), 2, 2, "valid");
}

function loss(p: Params, x: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  let h = block(x, p.c1w, p.c1b, p.g1, p.b1);
  h = block(h, p.c2w, p.c2b, p.g2, p.b2);
  // NHWC flatten differs in order from PyTorch's NCHW view; the cost is the same.
  const logits = h
    .reshape([x.shape[0], 32 * 7 * 7])
    .matMul(p.fcw)
    .add(p.fcb);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** What ran: version, backend and, for wasm, its SIMD support and XNNPACK's thread count. */
async function describeTfjs(wasmThreads: (() => number) | null): Promise<string> {
  const name = `TensorFlow.js ${tf.version_core} ${tf.getBackend()}`;
  if (wasmThreads === null) return name;
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  const threads = wasmThreads();
  return `${name} (${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads === 1 ? "" : "s"})`;
}

/**
 * Times training steps (forward + backward + Adam, lr 1e-3, cross-entropy) of the convnet on a
 * TF.js backend: `wasm` (XNNPACK, single-threaded in Node) or `cpu` (pure JS).
 */
export async function timeTfjs(
  backend: "cpu" | "wasm",
  opts: { batch: number; warmup: number; steps: number },
): Promise<StepSample> {
  let wasmThreads: (() => number) | null = null;
  if (backend === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // Node loads the .wasm files from the package's dist/ folder, beside its entry point.
    wasm.setWasmPaths(new URL(".", import.meta.resolve("@tensorflow/tfjs-backend-wasm")).pathname);
    wasmThreads = wasm.getThreadsCount;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend '${backend}' did not load`);
  await tf.ready();
  const params = initParams();
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform<tf.Rank.R4>([opts.batch, 28, 28, 1], 0, 1, "float32", 1);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: opts.batch }, (_, i) => (i * 7) % 10),
      "int32",
    ),
    10,
  ) as tf.Tensor2D;
  const samplesPerSecond = await timeSteps(() => {
    const value = optimizer.minimize(() => loss(params, x, y), true, Object.values(params));
    value?.dataSync(); // wait for the step to finish
    value?.dispose();
  }, opts);
  return {
    kind: "step",
    ran: await describeTfjs(wasmThreads),
    samplesPerSecond,
    steps: opts.steps,
    maxRssMiB: peakRssMiB(),
  };
}
