/** Small file helpers for the examples' run folders. */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** Temporary files of {@link writeFileAtomic}: `.<name>.<12 hex digits>.tmp`. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Hooks into {@link writeFileAtomic}, for crash tests. */
export interface WriteHooks {
  /** Called when half the bytes are in the temporary file. */
  partial?: () => void;
}

function writeAll(fd: number, bytes: Uint8Array, from: number, to: number): void {
  for (let at = from; at < to;) at += writeSync(fd, bytes, at, to - at);
}

/** Flushes a folder's entries (a rename) to disk. */
function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `content` to `path` atomically: the bytes go to a temporary file in the same folder,
 * which is flushed to disk and renamed over `path` (and the rename flushed too). A crash leaves either the old file or the
 * new one, plus at worst a temporary file that {@link removeTempFiles} clears.
 */
export function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  hooks: WriteHooks = {},
): void {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(tmp, "wx");
    try {
      const half = bytes.length >> 1;
      writeAll(fd, bytes, 0, half);
      hooks.partial?.();
      writeAll(fd, bytes, half, bytes.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    syncDir(dirname(path));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Removes the temporary files a killed {@link writeFileAtomic} left in `dir`; returns their names. */
export function removeTempFiles(dir: string): string[] {
  const stale = tempFiles(dir);
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

/** The names of {@link writeFileAtomic}'s temporary files in `dir` (none if `dir` is missing). */
export function tempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => TEMP_FILE.test(n)).sort();
}
