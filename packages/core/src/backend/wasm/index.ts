import { composeBackend, type ComposedBackend } from "../compose.js";
import { jsBackend } from "../js/index.js";
import { convKernels } from "./conv.js";
import { elementwiseKernels } from "./elementwise.js";
import { matmulKernels } from "./matmul.js";
import type { CompiledKernels } from "./module.js";
import { normKernels } from "./norm.js";
import { optimKernels } from "./optim.js";
import { poolKernels } from "./pool.js";
import { reduceKernels } from "./reduce.js";
import { WasmRuntime, type ThreadPool } from "./runtime.js";

/**
 * The WebAssembly SIMD backend: float32 kernels compiled from packages/core/assembly, running in
 * one shared memory across `pool`'s threads; every other kernel and dtype runs on the JS
 * reference backend. `options.splitMinWork` lowers the size from which kernels split across the
 * pool (tests use it to exercise splitting on small shapes).
 */
export function createWasmBackend(
  compiled: CompiledKernels,
  pool: ThreadPool | null,
  memory?: WebAssembly.Memory,
  options: { splitMinWork?: number } = {},
): ComposedBackend & { readonly runtime: WasmRuntime } {
  const rt = new WasmRuntime(compiled, pool, memory, options.splitMinWork);
  const backend = composeBackend(
    {
      name: "wasm",
      simd: rt.variant,
      threads: rt.threads,
      arenaBytes: () => rt.arena.byteLength,
      dtypes: ["float32"],
      kernels: {
        ...elementwiseKernels(rt),
        ...reduceKernels(rt),
        ...matmulKernels(rt),
        ...convKernels(rt),
        ...poolKernels(rt),
        ...normKernels(rt),
        ...optimKernels(rt),
      },
    },
    jsBackend,
  );
  return Object.assign(backend, { runtime: rt });
}
