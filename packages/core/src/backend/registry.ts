import { BackendError } from "../errors.js";
import type { Backend } from "./backend.js";
import { kernelNames } from "./compose.js";
import { jsBackend } from "./js/index.js";
import { profiled } from "./profile.js";
import { createWasmBackend } from "./wasm/index.js";
import {
  compileKernels,
  compileKernelsSync,
  createMemory,
  type CompiledKernels,
  type SimdVariant,
} from "./wasm/module.js";
import type { ThreadPool, ThreadPoolFactory } from "./wasm/runtime.js";

/** The backends tsgrad ships, by name. */
export type BackendName = "js" | "wasm";

/** Options of {@link setBackend}. */
export interface SetBackendOptions {
  /**
   * Threads for the wasm backend's large kernels. Default: every core where a thread pool exists
   * (Node; a browser worker after `registerWebWorkerPool`), else 1.
   */
  threads?: number;
  /** Pins the SIMD build of the wasm kernels (default: relaxed where the engine validates it). */
  simd?: SimdVariant;
}

let current: Backend = jsBackend;
let profiling = false;
const KERNELS = kernelNames(jsBackend);

/**
 * Times every kernel call from now on (the backend set next, and the current one), for
 * {@link profileTable}. Node turns it on at import when `TSGRAD_PROFILE=1` and prints the table at
 * exit.
 */
export function enableProfiling(): void {
  if (!profiling) current = profiled(current, KERNELS);
  profiling = true;
}

function use(backend: Backend): Backend {
  current = profiling ? profiled(backend, KERNELS) : backend;
  return current;
}
let poolFactory: { create: ThreadPoolFactory; defaultThreads: number } | null = null;

/**
 * The backend that runs kernels now: its `name` (`"js"` or `"wasm"`), `simd` build (`"none"`,
 * `"plain"` or `"relaxed"`) and `threads`.
 */
export function getBackend(): Backend {
  return current;
}

/**
 * Lets a platform entry point supply worker threads to the wasm backend: Node's entry registers its
 * worker-thread pool at import; a browser worker calls `registerWebWorkerPool` from
 * `@tsgrad/core/web`.
 */
export function registerThreadPool(create: ThreadPoolFactory, defaultThreads: number): void {
  poolFactory = { create, defaultThreads };
}

/** The thread count `options` ask for (default: the pool's), checked. */
function threadsFor(options: SetBackendOptions): number {
  const threads = options.threads ?? poolFactory?.defaultThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError(`setBackend: threads must be a positive integer, got ${threads}`);
  }
  if (threads > 1 && poolFactory === null) {
    throw new BackendError(
      `setBackend: ${threads} threads asked for, but no thread pool is available here (use 1)`,
    );
  }
  return threads;
}

/**
 * The wasm backend over kernels compiled for `threads`: a shared memory and a pool for several
 * threads, an unshared memory for one (copies in and out run about twice as fast).
 */
function wasmFrom(
  compiled: CompiledKernels,
  threads: number,
  local?: CompiledKernels,
): Backend | Promise<Backend> {
  const memory = createMemory(16, compiled.shared);
  const over = (pool: ThreadPool | null): Backend =>
    createWasmBackend(compiled, pool, memory, local === undefined ? {} : { local });
  if (threads === 1) return over(null);
  const pool = poolFactory!.create(compiled, memory, threads);
  return pool instanceof Promise ? pool.then(over) : over(pool);
}

function wasmError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new BackendError(`setBackend: the wasm backend cannot load here: ${why}`);
}

/**
 * Chooses the backend for every later kernel call: `"js"` (the reference), `"wasm"` (WebAssembly
 * SIMD, float32, with worker threads in Node and, after `registerWebWorkerPool`, in a browser's
 * Web Worker), or a {@link Backend} object.
 *
 * The switch happens before this returns wherever it can (always in Node); on a browser page's
 * main thread, where large modules compile only asynchronously, and with a Web Worker pool, whose
 * workers start asynchronously, it happens when the promise resolves, so write
 * `await setBackend("wasm")`. Asking for a backend that cannot load throws a
 * `BackendError` (there is no silent fallback).
 */
export function setBackend(
  backend: BackendName | Backend,
  options: SetBackendOptions = {},
): Promise<Backend> {
  if (typeof backend !== "string") {
    return Promise.resolve(use(backend));
  }
  if (backend === "js") {
    return Promise.resolve(use(jsBackend));
  }
  if (backend !== "wasm") {
    throw new BackendError(
      `setBackend: unknown backend '${String(backend)}' (available: js, wasm)`,
    );
  }
  // several threads share one memory; calls too small to split run in an unshared one (faster
  // copies), which is all one thread needs
  const threads = threadsFor(options);
  const shared = threads > 1;
  let compiled: CompiledKernels | null = null;
  let local: CompiledKernels | undefined;
  try {
    compiled = compileKernelsSync(options.simd, shared);
    if (shared) local = compileKernelsSync(compiled.variant, false);
  } catch (e) {
    // a page's main thread refuses to compile large modules synchronously: try asynchronously
    if (!(e instanceof RangeError)) throw wasmError(e);
  }
  const failed = (e: unknown): Promise<never> => Promise.reject(wasmError(e));
  if (compiled !== null && (!shared || local !== undefined)) {
    let made: Backend | Promise<Backend>;
    try {
      made = wasmFrom(compiled, threads, local);
    } catch (e) {
      throw wasmError(e);
    }
    // a pool that starts asynchronously (Web Workers) switches when it is up
    if (made instanceof Promise) return made.then(use, failed);
    return Promise.resolve(use(made));
  }
  return compileKernels(options.simd, shared)
    .then(async (c) => [c, shared ? await compileKernels(c.variant, false) : undefined] as const)
    .then(([c, l]) => wasmFrom(c, threads, l))
    .then(use, failed);
}
