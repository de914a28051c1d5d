import { isContiguous, numelOf } from "../../shape.js";
import type { View } from "../backend.js";
import { contiguousCopy } from "../strided.js";
import { Arena } from "./arena.js";
import type { CompiledKernels, KernelExports, SimdVariant } from "./module.js";
import { createMemory, instantiate } from "./module.js";
import type { WasmMemory } from "./webassembly.js";

/**
 * Threads that run one kernel export on disjoint ranges of its output. Implemented over
 * `worker_threads` in Node (`pool-node.ts`) and Web Workers in browsers (`pool-web.ts`), both on
 * `pool-core.ts`.
 */
export interface ThreadPool {
  /** Threads in all, the calling one included. */
  readonly size: number;
  /**
   * Runs `exports[fn](...args, start, end)` over `[0, total)` cut into contiguous pieces (edges
   * multiples of `grain`; up to PIECES_PER_THREAD a thread) that the threads, the calling one
   * included, claim in turn; returns when every piece is done.
   */
  run(fn: string, args: readonly number[], total: number, grain: number): void;
}

/**
 * Makes a pool of `threads` threads over the module and memory: at once (Node's worker threads,
 * which may start after their first job is posted), or asynchronously (browser Web Workers, which
 * must be running before the calling thread blocks on them).
 */
export type ThreadPoolFactory = (
  compiled: CompiledKernels,
  memory: WasmMemory,
  threads: number,
) => ThreadPool | Promise<ThreadPool>;

/**
 * Work (in element visits; a multiply-add counts 1/MADDS_PER_WORK) below which a kernel runs on
 * the calling thread. Measured on the reference convnet (2 cores): memory-bound kernels of a few
 * MB (batch norm, pooling, elementwise) ran slower split in two than whole, since waking a worker
 * costs ~50–100 µs and both threads share the memory bandwidth; the convs gain.
 */
export const SPLIT_MIN_WORK = 1 << 22;

/** What the wasm kernels share: the module instance, its arena, and the pool. */
export class WasmRuntime {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly variant: SimdVariant;

  constructor(
    compiled: CompiledKernels,
    private readonly pool: ThreadPool | null,
    memory: WasmMemory = createMemory(16, compiled.shared),
    readonly splitMinWork = SPLIT_MIN_WORK,
  ) {
    this.exports = instantiate(compiled, memory);
    this.arena = new Arena(memory, this.exports["heapBase"]!());
    this.variant = compiled.variant;
  }

  /** Threads kernels may split across. */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  /**
   * Runs `exports[fn](...args, start, end)` over `[0, total)`, split across the pool when `work`
   * (the call's total cost) is large enough to pay for waking the workers.
   */
  split(fn: string, args: readonly number[], total: number, work: number, grain = 1): void {
    if (this.pool !== null && work >= this.splitMinWork && total >= 2 * grain) {
      this.pool.run(fn, args, total, grain);
    } else {
      this.exports[fn]!(...args, 0, total);
    }
  }

  /**
   * Copies the elements of a float32/int32 view into the arena in row-major order and returns the
   * address (contiguous views are one block copy).
   */
  put(v: View): number {
    const n = numelOf(v.shape);
    const data = v.data as Float32Array | Int32Array;
    if (isContiguous(v.shape, v.strides))
      return this.arena.put(data.subarray(v.offset, v.offset + n));
    return this.arena.put(contiguousCopy(v, v.dtype) as Float32Array | Int32Array);
  }

  /** A fresh float32 array holding `n` floats at `address` (the arena keeps nothing). */
  takeF32(address: number, n: number): Float32Array {
    return takeOut(this.arena.memory, address, n, Float32Array);
  }

  /**
   * The `n` floats at `address` copied into `into` (which is returned) when given, else into a
   * fresh array: a kernel's result written over memory its caller handed on.
   */
  resultF32(address: number, n: number, into: Float32Array | undefined): Float32Array {
    if (into === undefined) return this.takeF32(address, n);
    into.set(this.arena.f32(address, n));
    return into;
  }

  /** A fresh int32 array holding `n` ints at `address`. */
  takeI32(address: number, n: number): Int32Array {
    return takeOut(this.arena.memory, address, n, Int32Array);
  }
}

/**
 * Allocates the buffer of a kernel's result, which the caller overwrites whole at once, so its
 * bytes need not be zeroed first. The default zeroes them (`new ArrayBuffer`); Node registers
 * `Buffer.allocUnsafeSlow` (an unpooled buffer of its own), which skips a pass over every result
 * (≈ 0.4 ms per 5 MB here, about a third of copying a result out).
 */
export type ResultAllocator = (bytes: number) => ArrayBuffer;

let allocateResult: ResultAllocator = (bytes) => new ArrayBuffer(bytes);

/** Sets how kernel results are allocated (see {@link ResultAllocator}). */
export function registerResultAllocator(allocate: ResultAllocator): void {
  allocateResult = allocate;
}

type ResultArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A fresh `Type` array of `n` elements copied from the arena at `address`. */
export function takeOut<T extends ResultArray>(
  memory: WasmMemory,
  address: number,
  n: number,
  Type: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
): T {
  const bytes = n * Type.BYTES_PER_ELEMENT;
  const buffer = allocateResult(bytes);
  new Uint8Array(buffer).set(new Uint8Array(memory.buffer, address, bytes));
  return new Type(buffer);
}
