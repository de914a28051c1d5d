/**
 * The fast backends the op registry runs on besides the JS reference, built explicitly (one
 * thread: registry cases are too small to split) so the tests do not depend on the default.
 */
import type { ComposedBackend } from "../src/index.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync } from "../src/backend/wasm/module.js";

/** Name → composed backend, for every fast backend that loads here. */
export const FAST_BACKENDS: ReadonlyMap<string, ComposedBackend> = new Map([
  ["wasm", createWasmBackend(compileKernelsSync(), null)],
]);
