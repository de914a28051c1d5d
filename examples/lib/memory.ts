import { memoryStats } from "@tsgrad/core";
import type { MemoryRecord } from "./run-record.js";

/**
 * The process's memory now, after a full garbage collection when `gc` is exposed (`node
 * --expose-gc`, as `npm run train` runs): what metrics.json records per epoch, so a long run can
 * be checked for growth.
 */
export function memoryNow(): MemoryRecord {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, arenaBytes: memoryStats().arenaBytes, rss, gc: gc !== undefined };
}
