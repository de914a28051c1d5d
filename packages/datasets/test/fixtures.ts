import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { DataError, encodeIdx } from "../src/index.js";

/** Runs `fn`, expecting a `DataError` whose message matches `message`; returns the message. */
export function expectDataError(fn: () => unknown, message: RegExp): string {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(DataError);
  expect((thrown as DataError).name).toBe("DataError");
  expect((thrown as DataError).message).toMatch(message);
  return (thrown as DataError).message;
}

const created: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = "tsgrad-datasets-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir} (call from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Deterministic pseudo-random bytes (so fixtures are reproducible). */
export function bytes(n: number, seed = 1, modulo = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 24) % modulo;
  }
  return out;
}

/** IDX bytes for `n` images of `rows × cols` and `m` labels (defaults: m = n, 28 × 28). */
export function makeSplit(
  n: number,
  options: { m?: number; rows?: number; cols?: number; seed?: number } = {},
): { images: Uint8Array; labels: Uint8Array; pixels: Uint8Array; classes: Uint8Array } {
  const { m = n, rows = 28, cols = 28, seed = 7 } = options;
  const pixels = bytes(n * rows * cols, seed);
  const classes = bytes(m, seed + 1, 10);
  return {
    images: encodeIdx([n, rows, cols], pixels),
    labels: encodeIdx([m], classes),
    pixels,
    classes,
  };
}

/** Writes a split's two files into `dir` as `<prefix>-{images-idx3,labels-idx1}-ubyte[.gz]`. */
export function writeSplit(
  dir: string,
  split: "train" | "t10k",
  files: { images: Uint8Array; labels: Uint8Array },
  gz: { images: boolean; labels: boolean } = { images: false, labels: false },
): { images: string; labels: string } {
  mkdirSync(dir, { recursive: true });
  const images = join(dir, `${split}-images-idx3-ubyte${gz.images ? ".gz" : ""}`);
  const labels = join(dir, `${split}-labels-idx1-ubyte${gz.labels ? ".gz" : ""}`);
  writeFileSync(images, gz.images ? gzipSync(files.images) : files.images);
  writeFileSync(labels, gz.labels ? gzipSync(files.labels) : files.labels);
  return { images, labels };
}
