import { PAGE_BYTES } from "./module.js";
import type { WasmMemory } from "./webassembly.js";

/**
 * A bump allocator over the kernels' shared memory. A kernel call copies its operands in, runs,
 * copies its results out and releases everything it took, so the arena owns no tensor memory
 * between calls; it only keeps its size (the high-water mark of one call). The memory grows on
 * demand; typed-array views over it go stale when it grows, so take them with `f32()` / `i32()`
 * after the last `alloc` of a call.
 */
export class Arena {
  private top: number;

  /** `base`: the first free byte past the module's static data. */
  constructor(
    readonly memory: WasmMemory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Size of the memory in bytes (what the arena holds from the system). */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Reserves `bytes` (16-byte aligned) and returns the address; grows the memory as needed. */
  alloc(bytes: number): number {
    const at = this.top;
    const end = align(at + bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    this.top = end;
    return at;
  }

  /** Copies `src` into fresh arena space and returns its address. */
  put(src: Float32Array | Int32Array): number {
    const at = this.alloc(src.byteLength);
    new Uint8Array(this.memory.buffer, at, src.byteLength).set(
      new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
    );
    return at;
  }

  /** A float32 view of `length` elements at `address` (valid until the next `alloc`). */
  f32(address: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, address, length);
  }

  /** An int32 view of `length` elements at `address` (valid until the next `alloc`). */
  i32(address: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, address, length);
  }

  /** Runs `fn` and then releases everything it allocated (calls nest). */
  scope<T>(fn: () => T): T {
    const mark = this.top;
    try {
      return fn();
    } finally {
      this.top = mark;
    }
  }
}

const align = (n: number): number => (n + 15) & ~15;
