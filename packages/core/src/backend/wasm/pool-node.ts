import { Worker } from "node:worker_threads";
import type { CompiledKernels } from "./module.js";
import { createPoolCore } from "./pool-core.js";
import type { ThreadPool } from "./runtime.js";
import type { WasmMemory } from "./webassembly.js";

/**
 * A persistent pool of `threads − 1` worker threads plus the calling thread, all running the same
 * kernels over one shared memory (see `createPoolCore`). Workers are `unref()`'d, so they never
 * keep a process alive; jobs posted before a worker has started wait for it.
 */
export function createNodePool(
  compiled: CompiledKernels,
  memory: WasmMemory,
  threads: number,
): ThreadPool {
  const { pool, workers } = createPoolCore(compiled, memory, threads);
  for (const workerData of workers) {
    new Worker(new URL("./pool-worker.mjs", import.meta.url), { workerData }).unref();
  }
  return pool;
}
