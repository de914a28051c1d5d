/**
 * TensorFlow.js peers for the reference convnet training step (NHWC, same layers as ConvNet1).
 * Used by convnet-step.ts so both frameworks are timed in one run.
 */
import * as tf from "@tensorflow/tfjs";

/** Builds the article's convnet in TF.js layers. */
function buildModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 5, padding: "same" }),
  );
  model.add(tf.layers.batchNormalization({ axis: 3, momentum: 0.9, epsilon: 1e-5 }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: "same" }));
  model.add(tf.layers.batchNormalization({ axis: 3, momentum: 0.9, epsilon: 1e-5 }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10 }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: "sparseCategoricalCrossentropy" });
  return model;
}

/** Result of timing one framework. */
export interface PeerResult {
  name: string;
  samplesPerSecond: number | null;
  note?: string;
}

/**
 * Times `steps` training steps (forward + backward + Adam) of the convnet at `batch` on a TF.js
 * backend ("cpu" is pure JS; "wasm" is XNNPACK). Reports the error text when a backend cannot train.
 */
export async function timeTfjs(
  backend: "cpu" | "wasm",
  batch: number,
  steps: number,
): Promise<PeerResult> {
  const name = `TensorFlow.js 4.22 (${backend})`;
  try {
    if (backend === "wasm") {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      const dist = new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);
      wasm.setWasmPaths(dist.pathname);
    }
    await tf.setBackend(backend);
    await tf.ready();
    const model = buildModel();
    const x = tf.randomUniform([batch, 28, 28, 1]);
    const y = tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      "float32",
    );
    await model.trainOnBatch(x, y); // warm-up (kernel compilation, allocation)
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    const seconds = (performance.now() - t0) / 1000;
    return { name, samplesPerSecond: (batch * steps) / seconds };
  } catch (e) {
    return {
      name,
      samplesPerSecond: null,
      note: `cannot train: ${(e as Error).message.split("\n")[0]}`,
    };
  }
}
