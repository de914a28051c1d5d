/**
 * The part of the WebAssembly JS API the wasm backend uses, typed in this module rather than as a
 * global: core compiles against ES2022 without the DOM library (it must not lean on browser-only
 * types), Node's types do not declare `WebAssembly`, and the published `.d.ts` files must
 * type-check for a consumer with either. Files that call the API declare
 * `declare const WebAssembly: WebAssemblyApi` locally (types only: at run time it is the engine's
 * global, and a `ReferenceError` where there is none).
 */

/** A `WebAssembly.Memory`: shared (threads) or not. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(delta: number): number;
}

/** A compiled `WebAssembly.Module` (opaque here; it can be posted to workers). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

/** An instantiated `WebAssembly.Instance`. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** Bytes of a wasm binary. */
export type WasmBytes = ArrayBufferView | ArrayBuffer;

/** The `WebAssembly` namespace object, as far as tsgrad uses it. */
export interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: WasmBytes) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports?: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  validate(bytes: WasmBytes): boolean;
  compile(bytes: WasmBytes): Promise<WasmModule>;
}
