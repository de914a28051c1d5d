import { plainWasm, relaxedWasm } from "./generated/kernels.js";

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
  readonly module: WebAssembly.Module;
  readonly variant: SimdVariant;
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
function pick(prefer: SimdVariant | undefined): {
  bytes: Uint8Array<ArrayBuffer>;
  variant: SimdVariant;
} {
  const relaxed = decode(relaxedWasm);
  const relaxedOk = WebAssembly.validate(relaxed);
  if (prefer === "relaxed" && !relaxedOk) {
    throw new Error("relaxed SIMD is not supported by this JavaScript engine");
  }
  if (relaxedOk && prefer !== "plain") return { bytes: relaxed, variant: "relaxed" };
  const plain = decode(plainWasm);
  if (!WebAssembly.validate(plain)) {
    throw new Error("this JavaScript engine does not support WebAssembly SIMD and threads");
  }
  return { bytes: plain, variant: "plain" };
}

/** Compiles the kernels synchronously (fine in Node and in workers, not on a page's main thread). */
export function compileKernelsSync(prefer?: SimdVariant): CompiledKernels {
  const { bytes, variant } = pick(prefer);
  return { module: new WebAssembly.Module(bytes), variant };
}

/** Compiles the kernels off the main thread where the engine can. */
export async function compileKernels(prefer?: SimdVariant): Promise<CompiledKernels> {
  const { bytes, variant } = pick(prefer);
  return { module: await WebAssembly.compile(bytes), variant };
}

/** A fresh shared memory for the kernels (grown on demand by the arena). */
export function createMemory(initialPages = 16): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
}

/** Instantiates the compiled kernels over `memory` (synchronously: the module is compiled). */
export function instantiate(compiled: CompiledKernels, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(compiled.module, { env: { memory, abort } });
  return instance.exports as unknown as KernelExports;
}

function abort(): never {
  throw new Error("wasm kernel aborted");
}
