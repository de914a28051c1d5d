import { memoryStats } from "@tsgrad/core";
import type { MemoryRecord } from "./run-record.js";

/**
 * The process's memory now, after a full garbage collection when `gc` is exposed (`node
 * --expose-gc`, as `npm run train` runs): what metrics.json records per epoch, so a long run can
 * be checked for growth.
 */
export function memoryNow(): MemoryRecord {
  const gc = (globalThis as { gc?: () => void }).gc;
  // twice: V8 frees dead ArrayBuffers' memory on a background thread after a collection, and the
  // next collection first waits for that; after one, `external` still counts about a training
  // step's results (measured: 69 MB after one, 18 MB after two, 18 MB after a third)
  gc?.();
  gc?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, arenaBytes: memoryStats().arenaBytes, rss, gc: gc !== undefined };
}
