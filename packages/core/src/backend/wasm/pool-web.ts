import { BackendError } from "../../errors.js";
import { registerThreadPool } from "../registry.js";
import type { CompiledKernels } from "./module.js";
import { createPoolCore, type PoolWorkerInit } from "./pool-core.js";
import type { ThreadPool } from "./runtime.js";
import type { WasmMemory } from "./webassembly.js";

/**
 * The part of the Web Worker API the pool uses, typed here: core compiles without the DOM library
 * (see webassembly.ts). At run time these are the browser's globals.
 */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(
    type: "message" | "error" | "messageerror",
    listener: (e: unknown) => void,
  ): void;
}
interface WebGlobals {
  Worker?: new (url: URL, options: { type: "module"; name?: string }) => WebWorker;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  WorkerGlobalScope?: unknown;
}
const web = globalThis as WebGlobals;

/** Starts one pool worker and resolves when it has instantiated the kernels. */
function startWorker(init: PoolWorkerInit): Promise<WebWorker> {
  const Worker = web.Worker!;
  const worker = new Worker(new URL("./pool-worker-web.mjs", import.meta.url), {
    type: "module",
    name: `tsgrad-pool-${init.index}`,
  });
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", () => resolve(worker));
    const fail = (e: unknown): void => {
      const why = e instanceof Error ? e.message : String((e as { message?: unknown }).message);
      reject(new BackendError(`thread pool: Web Worker ${init.index} failed to start: ${why}`));
    };
    worker.addEventListener("error", fail);
    worker.addEventListener("messageerror", fail);
    worker.postMessage(init);
  });
}

/**
 * A pool of `threads − 1` module Web Workers plus the calling thread over one shared memory: the
 * browser's counterpart of Node's worker-thread pool, with the same control block and the same
 * split of each kernel's output into contiguous ranges (results do not depend on the thread
 * count). Resolves once every worker has instantiated the kernels: a thread blocked in
 * `Atomics.wait` may keep a browser from starting the workers it waits for, so no kernel runs
 * before they are all up.
 *
 * Needs a cross-origin isolated context (`SharedArrayBuffer`), and must be created in a Web
 * Worker: the calling thread blocks while a kernel runs, which a page's main thread may not do.
 * {@link registerWebWorkerPool} registers it (the public entry, `@tsgrad/core/web`).
 *
 * @throws {BackendError} (rejects) outside a Web Worker, without cross-origin isolation, or when
 *   a worker fails to start.
 */
export async function createWebWorkerPool(
  compiled: CompiledKernels,
  memory: WasmMemory,
  threads: number,
): Promise<ThreadPool> {
  if (web.Worker === undefined || web.WorkerGlobalScope === undefined) {
    throw new BackendError(
      "thread pool: Web Worker threads block the thread that runs the kernels, which a page's " +
        "main thread may not do: call setBackend from a Web Worker (or use threads: 1)",
    );
  }
  if (web.crossOriginIsolated !== true) {
    throw new BackendError(
      "thread pool: the page is not cross-origin isolated, so its workers cannot share memory " +
        "(serve it with Cross-Origin-Opener-Policy: same-origin and " +
        "Cross-Origin-Embedder-Policy: require-corp, or use threads: 1)",
    );
  }
  const { pool, workers } = createPoolCore(compiled, memory, threads);
  const started = await Promise.allSettled(workers.map(startWorker));
  const failed = started.find((s) => s.status === "rejected");
  if (failed !== undefined) {
    for (const s of started) if (s.status === "fulfilled") s.value.terminate();
    throw failed.reason;
  }
  return pool;
}

/**
 * Lets the wasm backend use Web Worker threads where they can work: in a Web Worker of a
 * cross-origin isolated page, it registers a pool of module Web Workers with
 * `defaultThreads` (default `navigator.hardwareConcurrency`) as `setBackend`'s default thread
 * count, and returns that count; anywhere else it registers nothing and returns 1 (the wasm
 * backend then runs on one thread, in an unshared memory). Call it before `setBackend("wasm")`.
 *
 * @example
 * ```ts
 * // in a module Web Worker
 * import { getBackend, setBackend } from "@tsgrad/core";
 * import { registerWebWorkerPool } from "@tsgrad/core/web";
 *
 * registerWebWorkerPool(); // 1 when the page is not cross-origin isolated
 * await setBackend("wasm");
 * console.log(getBackend().threads);
 * ```
 */
export function registerWebWorkerPool(defaultThreads?: number): number {
  const usable =
    web.Worker !== undefined && web.WorkerGlobalScope !== undefined && web.crossOriginIsolated;
  if (!usable) return 1;
  const threads = defaultThreads ?? web.navigator?.hardwareConcurrency ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError(
      `registerWebWorkerPool: defaultThreads must be a positive integer, got ${threads}`,
    );
  }
  registerThreadPool(createWebWorkerPool, threads);
  return threads;
}
