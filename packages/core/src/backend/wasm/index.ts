import { numelOf } from "../../shape.js";
import type { PartialBackend, View } from "../backend.js";
import { composeBackend, type ComposedBackend } from "../compose.js";
import { jsBackend } from "../js/index.js";
import { convKernels } from "./conv.js";
import { elementwiseKernels } from "./elementwise.js";
import { MADDS_PER_WORK, matmulKernels } from "./matmul.js";
import { createMemory, type CompiledKernels } from "./module.js";
import { normKernels } from "./norm.js";
import { optimKernels } from "./optim.js";
import { poolKernels } from "./pool.js";
import { reduceKernels } from "./reduce.js";
import { WasmRuntime, type ThreadPool } from "./runtime.js";
import type { WasmMemory } from "./webassembly.js";

type Kernels = PartialBackend["kernels"];
type AnyKernel = (...args: unknown[]) => unknown;

/** Whether `v` is a tensor view (a kernel operand with shape and data). */
function isView(v: unknown): v is View {
  return typeof v === "object" && v !== null && "shape" in v && "data" in v;
}

/**
 * A call's size in the runtime's work units, to route it before its operands are copied: the
 * elements of its tensor operands, or for matmul its multiply-adds over MADDS_PER_WORK.
 */
function workOf(name: string, args: readonly unknown[]): number {
  if (name === "matmul" && isView(args[0]) && isView(args[1])) {
    return (numelOf(args[0].shape) * (args[1].shape[2] ?? 0)) / MADDS_PER_WORK;
  }
  return args.reduce<number>((sum, a) => sum + (isView(a) ? numelOf(a.shape) : 0), 0);
}

/**
 * Every kernel of `pooled` routed per call: to `local` below `minWork`, where a kernel would run
 * on the calling thread anyway and copies into `local`'s unshared memory run about twice as fast
 * as into the pool's shared one; to `pooled` from there, where it may split across the threads.
 * Both run the same compiled code, so the route never changes a result.
 */
function routeBySize(pooled: Kernels, local: Kernels, minWork: number): Kernels {
  const routed: Record<string, AnyKernel> = {};
  for (const [name, wide] of Object.entries(pooled) as [string, AnyKernel][]) {
    const narrow = (local as Record<string, AnyKernel>)[name]!;
    routed[name] = (...args) => (workOf(name, args) >= minWork ? wide : narrow)(...args);
  }
  return routed as Kernels;
}

/**
 * The WebAssembly SIMD backend: float32 kernels compiled from packages/core/assembly, running in
 * one shared memory across `pool`'s threads; every other kernel and dtype runs on the JS
 * reference backend. With a pool, `options.local` (the same SIMD variant compiled for an unshared
 * memory) runs the calls too small to split, in an arena of its own; convolutions always go to
 * the pool. `options.splitMinWork` lowers the size from which kernels split across the pool
 * (tests use it to exercise splitting on small shapes).
 */
export function createWasmBackend(
  compiled: CompiledKernels,
  pool: ThreadPool | null,
  memory?: WasmMemory,
  options: { splitMinWork?: number; local?: CompiledKernels } = {},
): ComposedBackend & { readonly runtime: WasmRuntime } {
  const rt = new WasmRuntime(compiled, pool, memory, options.splitMinWork);
  const family = (r: WasmRuntime): Kernels => ({
    ...elementwiseKernels(r),
    ...reduceKernels(r),
    ...matmulKernels(r),
    ...poolKernels(r),
    ...normKernels(r),
    ...optimKernels(r),
  });
  const local =
    pool !== null && options.local !== undefined
      ? new WasmRuntime(options.local, null, createMemory(16, false), options.splitMinWork)
      : null;
  if (local !== null && local.variant !== rt.variant) {
    throw new Error(`createWasmBackend: local kernels are ${local.variant}, pooled ${rt.variant}`);
  }
  const sized =
    local === null ? family(rt) : routeBySize(family(rt), family(local), rt.splitMinWork);
  const backend = composeBackend(
    {
      name: "wasm",
      simd: rt.variant,
      threads: rt.threads,
      arenaBytes: () => rt.arena.byteLength + (local?.arena.byteLength ?? 0),
      dtypes: ["float32"],
      kernels: { ...sized, ...convKernels(rt) },
    },
    jsBackend,
  );
  return Object.assign(backend, { runtime: rt });
}
