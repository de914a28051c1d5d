// The plain-Node consumer of the packed tarballs (no tsx, no TypeScript): trains a tiny convnet
// for a few steps on the default backend (wasm with worker threads, from dist/), reads IDX data
// through the datasets package, and round-trips the model through a safetensors file.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  Tensor,
  fromTypedArray,
  getBackend,
  manualSeed,
  matmul,
  noGrad,
  rand,
  setBackend,
} from "@tsgrad/core";
import { conv2d } from "@tsgrad/core/functional";
import { DataLoader, TensorDataset, encodeIdx } from "@tsgrad/datasets";
import { readIdxFile } from "@tsgrad/datasets/node";
import {
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  F,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from "@tsgrad/nn";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";
import { Adam } from "@tsgrad/optim";

const backend = getBackend();
assert.equal(backend.name, "wasm", "the Node entry selects the wasm backend at import");
assert.ok(backend.threads >= 2, `a worker pool runs (TSGRAD_THREADS=2), got ${backend.threads}`);
assert.equal(F.conv2d, conv2d, "nn's F re-exports core's functional ops");

// a matmul large enough to split across the worker threads agrees with the JS reference
const a = rand([192, 160]);
const b = rand([160, 144]);
const onWasm = matmul(a, b).dataSync();
await setBackend("js");
const onJs = matmul(a, b).dataSync();
await setBackend(backend);
const worst = onWasm.reduce((m, v, i) => Math.max(m, Math.abs(v - onJs[i])), 0);
assert.ok(worst < 1e-3, `wasm (threads) vs js matmul differ by ${worst}`);

// 64 images 8×8 with 3 classes, stored as IDX (gzipped, as the official files are), read back
manualSeed(0);
const dir = mkdtempSync(join(tmpdir(), "tsgrad-consumer-"));
try {
  const n = 64;
  const pixels = Uint8Array.from({ length: n * 64 }, (_, i) => (i * 37 + (i >> 6) * 11) % 256);
  const classes = Uint8Array.from({ length: n }, (_, i) => i % 3);
  writeFileSync(join(dir, "images.gz"), gzipSync(encodeIdx([n, 8, 8], pixels)));
  writeFileSync(join(dir, "labels"), encodeIdx([n], classes));
  const images = readIdxFile(join(dir, "images.gz"), { ndim: 3 });
  const labels = readIdxFile(join(dir, "labels"), { ndim: 1 });
  const x = fromTypedArray(
    Float32Array.from(images.data, (p) => p / 255),
    [n, 1, 8, 8],
  );
  const y = fromTypedArray(Int32Array.from(labels.data), [n]);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true });

  // a small convnet (built twice: trained, then a fresh copy loaded from the checkpoint)
  const makeModel = () =>
    new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(4 * 4 * 4, 3),
    );
  const model = makeModel();
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const criterion = new CrossEntropyLoss();
  const losses = [];
  for (let epoch = 0; epoch < 4; epoch++) {
    for (const [images, targets] of loader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), targets);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
  }
  const first = losses.slice(0, 4).reduce((s, v) => s + v, 0) / 4;
  const last = losses.slice(-4).reduce((s, v) => s + v, 0) / 4;
  assert.ok(losses.every(Number.isFinite), "finite losses");
  assert.ok(last < first, `loss went down: ${first.toFixed(4)} → ${last.toFixed(4)}`);

  // safetensors round trip: a fresh model loaded from the file computes the same outputs
  model.eval();
  const file = join(dir, "model.safetensors");
  saveSafetensors(model.stateDict(), file, { source: "pack-check" });
  const loaded = loadSafetensors(file);
  assert.equal(loaded.metadata["source"], "pack-check");
  const copy = makeModel();
  copy.loadStateDict(loaded.tensors);
  copy.eval();
  const [out, outCopy] = noGrad(() => [model.forward(x), copy.forward(x)]);
  assert.ok(out instanceof Tensor);
  assert.deepEqual(Array.from(outCopy.dataSync()), Array.from(out.dataSync()));
  console.log(
    `consumer.mjs: ${backend.name} backend (${backend.simd} SIMD, ${backend.threads} threads), ` +
      `${losses.length} steps, loss ${first.toFixed(3)} → ${last.toFixed(3)}, ` +
      `${Object.keys(loaded.tensors).length} tensors round-tripped through safetensors`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
