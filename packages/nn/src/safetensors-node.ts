/**
 * `@tsgrad/nn/node`: safetensors checkpoints on disk (Node only; the rest of `@tsgrad/nn` runs in
 * any JS runtime).
 * @packageDocumentation
 * @module @tsgrad/nn/node
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { DataError, type Tensor } from "@tsgrad/core";
import {
  parseSafetensors,
  serializeSafetensors,
  type SafetensorsFile,
  type SerializeOptions,
} from "./safetensors.js";

/**
 * Writes tensors (e.g. `model.stateDict()`) to `path` as a safetensors file, atomically: the bytes
 * go to a temporary file in the same directory, which is flushed to disk and then renamed over
 * `path`. If anything fails, the temporary file is removed and a previous file at `path` is left
 * intact. See `serializeSafetensors` for the layout and `options.int64`.
 */
export function saveSafetensors(
  tensors: Record<string, Tensor> | ReadonlyMap<string, Tensor>,
  path: string,
  metadata?: Record<string, string> | null,
  options: SerializeOptions = {},
): void {
  const bytes = serializeSafetensors(tensors, metadata, options);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(tmp, "wx");
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads a safetensors file: `{ tensors, metadata, dtypes }`, validated as `parseSafetensors`
 * describes. Load a model with `model.loadStateDict(loadSafetensors(path).tensors)`. A missing,
 * unreadable, corrupt or truncated file throws `DataError` naming the file and the problem.
 */
export function loadSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`loadSafetensors: cannot read '${path}': ${(e as Error).message}`);
  }
  return parseSafetensors(bytes, path);
}
