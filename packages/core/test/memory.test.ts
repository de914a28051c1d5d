import { describe, expect, it } from "vitest";
import { Tensor, manualSeed, memoryStats, noGrad, randn, tensor } from "../src/index.js";

// vitest.config.ts starts test workers with --expose-gc
const collect = (globalThis as { gc?: () => void }).gc;

/** Collects garbage and lets finalizers run (they only run when the event loop yields). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    collect!();
    await new Promise((r) => setTimeout(r, 0));
  }
}

describe("memory stays bounded without dispose()", () => {
  it("runs with gc() exposed", () => {
    expect(typeof collect).toBe("function");
  });

  it("1,000 forward + backward + SGD steps of a small MLP keep live tensors bounded", async () => {
    manualSeed(0);
    const w1 = randn([8, 16]).mul(0.3).requiresGrad_();
    const b1 = randn([16]).mul(0.1).requiresGrad_();
    const w2 = randn([16, 1]).mul(0.3).requiresGrad_();
    const params = [w1, b1, w2];
    const x = randn([32, 8]);
    const y = x.sum(1, true).tanh();
    const step = (): number => {
      const pred = x.matmul(w1).add(b1).tanh().matmul(w2);
      const err = pred.sub(y);
      const loss = err.mul(err).mean();
      loss.backward();
      noGrad(() => {
        for (const p of params) {
          p.sub_(p.grad!.mul(0.05));
          p.grad = null;
        }
      });
      return loss.item();
    };

    const losses: number[] = [];
    for (let i = 0; i < 100; i++) losses.push(step());
    await settle();
    const baseline = memoryStats();
    for (let i = 0; i < 900; i++) {
      losses.push(step());
      if (i % 100 === 99) await settle();
    }
    await settle();
    const after = memoryStats();

    // each step creates dozens of tensors: 900 unreclaimed steps would be tens of thousands
    expect(after.liveTensors).toBeLessThan(baseline.liveTensors + 200);
    expect(after.liveBytes).toBeLessThan(baseline.liveBytes + 64 * 1024);
    expect(losses[999]!).toBeLessThan(losses[0]!); // and it actually trained
  });

  it("a tensor that dies young frees its memory in a young-generation collection", async () => {
    // Counting tensors for memoryStats() must not keep them alive: V8 (Node 20) treats objects
    // registered in a FinalizationRegistry as alive in a minor collection, so registered results
    // would pile up until a full one. 10 MiB stays below what makes V8 start a full collection.
    await settle();
    const arrayBytes = (): number => process.memoryUsage().arrayBuffers;
    const before = arrayBytes();
    for (let i = 0; i < 20; i++) randn([1 << 16]).mul(2); // 40 tensors of 256 KiB, dropped
    (collect as (options: { type: "minor" }) => void)({ type: "minor" });
    await new Promise((r) => setTimeout(r, 0));
    expect(arrayBytes() - before).toBeLessThan(2 ** 20);
  });

  it("memoryStats counts tensors that are alive and forgets collected ones", async () => {
    await settle();
    const before = memoryStats().liveTensors;
    let keep: Tensor[] | null = Array.from({ length: 500 }, (_, i) => tensor([i]));
    expect(memoryStats().liveTensors).toBeGreaterThanOrEqual(before + 500);
    expect(keep.length).toBe(500);
    keep = null;
    await settle();
    expect(memoryStats().liveTensors).toBeLessThan(before + 50);
  });
});
