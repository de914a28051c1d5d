import { getBackend } from "./backend/registry.js";
import type { TypedArray } from "./dtype.js";

/**
 * The memory under one or more tensors (views share it). `version` counts in-place writes so that
 * backward can detect a saved tensor that was modified after it was saved.
 */
export class Storage {
  version = 0;
  constructor(readonly data: TypedArray) {
    liveBytes += data.byteLength;
    storageRegistry.register(this, data.byteLength);
  }
}

let liveTensors = 0;
let liveBytes = 0;
const tensorRegistry = new FinalizationRegistry<null>(() => {
  liveTensors--;
});
const storageRegistry = new FinalizationRegistry<number>((bytes) => {
  liveBytes -= bytes;
});

/** Counts a new tensor object for `memoryStats()`. */
export function trackTensor(t: object): void {
  liveTensors++;
  tensorRegistry.register(t, null);
}

/** Live tensor objects and bytes of storage held by them, and the backend's arena. */
export interface MemoryStats {
  /** Tensor objects not yet reclaimed by the garbage collector. */
  liveTensors: number;
  /** Bytes of storage (shared by views) not yet reclaimed. */
  liveBytes: number;
  /**
   * Bytes the active backend holds between kernel calls: the wasm backend's arena (its high-water
   * mark: operands are copied in per call), 0 on the JS backend.
   */
  arenaBytes: number;
}

/**
 * How many tensors and storage bytes are alive. Counts drop when the garbage collector reclaims
 * objects and the event loop yields to run finalizers, so the figures lag a little behind reality.
 */
export function memoryStats(): MemoryStats {
  return { liveTensors, liveBytes, arenaBytes: getBackend().arenaBytes() };
}
