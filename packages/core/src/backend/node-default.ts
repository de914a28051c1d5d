/**
 * Node's default backend, chosen at import: `wasm` with a worker pool over every core, unless
 * `TSGRAD_BACKEND` says otherwise (`TSGRAD_THREADS` sets the thread count, `TSGRAD_SIMD` pins the
 * wasm build: `plain`, or `relaxed`, an error where the engine lacks it). When wasm cannot load and
 * was not asked for by name, tsgrad warns in one line and runs on `js`.
 */
import { availableParallelism } from "node:os";
import { BackendError } from "../errors.js";
import { profileTable } from "./profile.js";
import {
  enableProfiling,
  registerThreadPool,
  setBackend,
  type BackendName,
  type SetBackendOptions,
} from "./registry.js";
import { createNodePool } from "./wasm/pool-node.js";
import { registerResultAllocator } from "./wasm/runtime.js";

registerThreadPool(createNodePool, availableParallelism());
// kernel results are overwritten whole as soon as they are allocated: skip zeroing them
registerResultAllocator((bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
primeMallocThreshold();

/**
 * Raises glibc malloc's mmap threshold once, so that kernel results come from its heap and reuse
 * memory instead of faulting in fresh pages each time.
 *
 * A training step of the reference convnet allocates ≈ 51 MB of results (up to 5 MB each) and the
 * garbage collector frees them in batches. glibc serves a block above its mmap threshold (128 KB
 * at start) with a fresh mmap, and trims its heap's free top down whenever that exceeds twice the
 * threshold, so every step faulted ≈ 3,000 pages (≈ 12 MB) in again. glibc raises the threshold
 * to the size of any mmapped block that is freed, up to 32 MiB (mallopt(3), "dynamic mmap
 * threshold"); this block, never written and so never resident, is freed by the next GC and
 * lifts it to ≈ 32 MiB (trim threshold ≈ 64 MiB). Measured in a step loop, 2 threads: ≈ 250–1,100
 * page faults per step instead of 2,500–3,400, and the step 2–14% faster. Other C libraries
 * ignore it; it costs nothing but 32 MiB of address space until that GC.
 */
function primeMallocThreshold(): void {
  if (process.platform === "linux") Buffer.allocUnsafeSlow(32 * 1024 * 1024 - 64 * 1024);
}

if (process.env["TSGRAD_PROFILE"] === "1") {
  enableProfiling();
  process.on("exit", () =>
    console.error(`tsgrad kernel profile (TSGRAD_PROFILE=1):\n${profileTable()}`),
  );
}

const asked = process.env["TSGRAD_BACKEND"];
const threadsVar = process.env["TSGRAD_THREADS"];
const threads = threadsVar === undefined || threadsVar === "" ? undefined : Number(threadsVar);
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
  throw new BackendError(`TSGRAD_THREADS must be a positive integer, got '${threadsVar}'`);
}
if (asked !== undefined && asked !== "" && asked !== "js" && asked !== "wasm") {
  throw new BackendError(`TSGRAD_BACKEND must be js or wasm, got '${asked}'`);
}
const simd = process.env["TSGRAD_SIMD"];
if (simd !== undefined && simd !== "" && simd !== "plain" && simd !== "relaxed") {
  throw new BackendError(`TSGRAD_SIMD must be plain or relaxed, got '${simd}'`);
}
const name: BackendName = (asked as BackendName | undefined) || "wasm";
const options: SetBackendOptions = {
  ...(threads === undefined ? {} : { threads }),
  ...(simd === "plain" || simd === "relaxed" ? { simd } : {}),
};
// a pinned SIMD build is a request for wasm by name: no silent fallback
if (name === "wasm" && !asked && !options.simd) {
  try {
    void setBackend("wasm", options);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^setBackend: /, "");
    console.warn(`tsgrad: ${why}; using the js backend`);
    void setBackend("js");
  }
} else {
  void setBackend(name, options);
}
