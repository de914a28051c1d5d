/**
 * Thread count never changes results: three training steps of the reference convnet at batch 100
 * on the wasm backend give bitwise-equal parameters on 1 and 2 threads (kernels split outputs,
 * never sums), with the production split thresholds, and the second thread really did work.
 */
import { describe, expect, test } from "vitest";
import { manualSeed, rand, randint, setBackend, getBackend, type Backend } from "@tsgrad/core";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { Adam } from "@tsgrad/optim";
import { createWasmBackend } from "../../packages/core/src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../../packages/core/src/backend/wasm/module.js";
import { createNodePool } from "../../packages/core/src/backend/wasm/pool-node.js";
import type { ThreadPool } from "../../packages/core/src/backend/wasm/runtime.js";
import { ConvNet1 } from "../lib/convnet.js";

const compiled = compileKernelsSync();
const memory = createMemory();
const pool = createNodePool(compiled, memory, 2);
/** Chunks handed to the second thread (non-empty ranges only). */
let workerChunks = 0;
const counting: ThreadPool = {
  size: pool.size,
  run(fn, args, total, grain) {
    const per = Math.ceil(total / grain / Math.min(2, Math.floor(total / grain))) * grain;
    if (per < total) workerChunks++;
    pool.run(fn, args, total, grain);
  },
};
const one = createWasmBackend(compiled, null);
const two = createWasmBackend(compiled, counting, memory);

function train(backend: Backend): Uint8Array[] {
  const before = getBackend();
  void setBackend(backend);
  try {
    manualSeed(0);
    const model = new ConvNet1();
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const criterion = new CrossEntropyLoss();
    const x = rand([100, 1, 28, 28]);
    const y = randint(0, 10, [100]);
    for (let step = 0; step < 3; step++) {
      optimizer.zeroGrad();
      criterion.forward(model.forward(x), y).backward();
      optimizer.step();
    }
    return model.parameters().map((p) => new Uint8Array(p.dataSync().slice().buffer));
  } finally {
    void setBackend(before);
  }
}

describe("wasm backend threads", () => {
  test("a convnet training step gives bitwise-equal parameters on 1 and 2 threads", () => {
    const a = train(one);
    workerChunks = 0;
    const b = train(two);
    expect(workerChunks, "chunks run by the second thread").toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(one.counts.get("conv2d")!.fast).toBeGreaterThan(0);
    expect(two.counts.get("conv2d")!.fast).toBeGreaterThan(0);
  });
});
