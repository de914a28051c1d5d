import { wasmBuilds } from "./generated/kernels.js";
import type { WasmMemory, WasmModule, WebAssemblyApi } from "./webassembly.js";

/** The engine's global, typed locally (see webassembly.ts). */
declare const WebAssembly: WebAssemblyApi;

/** Which SIMD build of the kernels runs: plain SIMD128, or relaxed SIMD with fused multiply-add. */
export type SimdVariant = "plain" | "relaxed";

/**
 * The kernels' exports: every function takes byte addresses into the shared memory and plain
 * numbers (see packages/core/assembly). Typed loosely here; `kernels.ts` gives each a typed
 * wrapper.
 */
export type KernelExports = Record<string, (...args: number[]) => number>;

/** A compiled kernel module and which variant it is; instantiate it once per thread. */
export interface CompiledKernels {
  readonly module: WasmModule;
  readonly variant: SimdVariant;
  /** Whether the module imports a shared memory (worker threads) or an unshared one. */
  readonly shared: boolean;
}

/** 64 KiB wasm pages; the module declares this maximum (4 GiB). */
export const PAGE_BYTES = 65536;
export const MAX_PAGES = 65536;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The variant to load: relaxed when this engine validates it (browsers; Node 20 only with
 * `--experimental-wasm-relaxed-simd`), else plain. `prefer` pins one; asking for relaxed where it
 * does not validate is an error.
 */
function pick(
  prefer: SimdVariant | undefined,
  shared: boolean,
): { bytes: Uint8Array<ArrayBuffer>; variant: SimdVariant } {
  const sharing = shared ? "shared" : "unshared";
  const relaxed = decode(wasmBuilds.relaxed[sharing]);
  const relaxedOk = WebAssembly.validate(relaxed);
  if (prefer === "relaxed" && !relaxedOk) {
    throw new Error("relaxed SIMD is not supported by this JavaScript engine");
  }
  if (relaxedOk && prefer !== "plain") return { bytes: relaxed, variant: "relaxed" };
  const plain = decode(wasmBuilds.plain[sharing]);
  if (!WebAssembly.validate(plain)) {
    throw new Error(
      shared
        ? "this JavaScript engine does not support WebAssembly SIMD and threads"
        : "this JavaScript engine does not support WebAssembly SIMD",
    );
  }
  return { bytes: plain, variant: "plain" };
}

/**
 * Compiles the kernels synchronously (fine in Node and in workers, not on a page's main thread),
 * for a shared memory (the default; worker threads) or an unshared one.
 */
export function compileKernelsSync(prefer?: SimdVariant, shared = true): CompiledKernels {
  const { bytes, variant } = pick(prefer, shared);
  return { module: new WebAssembly.Module(bytes), variant, shared };
}

/** Compiles the kernels off the main thread where the engine can. */
export async function compileKernels(
  prefer?: SimdVariant,
  shared = true,
): Promise<CompiledKernels> {
  const { bytes, variant } = pick(prefer, shared);
  return { module: await WebAssembly.compile(bytes), variant, shared };
}

/** A fresh memory for the kernels (grown on demand by the arena), shared unless told otherwise. */
export function createMemory(initialPages = 16, shared = true): WasmMemory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared });
}

/** Instantiates the compiled kernels over `memory` (synchronously: the module is compiled). */
export function instantiate(compiled: CompiledKernels, memory: WasmMemory): KernelExports {
  const instance = new WebAssembly.Instance(compiled.module, { env: { memory, abort } });
  return instance.exports as unknown as KernelExports;
}

function abort(): never {
  throw new Error("wasm kernel aborted");
}
