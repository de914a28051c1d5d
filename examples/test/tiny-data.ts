/** A tiny stand-in for Fashion-MNIST, for tests that exercise the training command, not the model. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeIdx } from "@tsgrad/datasets";

/** Deterministic pseudo-random bytes below `modulo`. */
function bytes(n: number, seed: number, modulo = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 24) % modulo;
  }
  return out;
}

/**
 * Writes the four Fashion-MNIST files into `dir`, with `train` and `test` random 28 × 28 images
 * and labels (uncompressed IDX, which the loader reads like the gzipped originals). Returns `dir`.
 */
export function writeTinyFashionMNIST(dir: string, train = 80, test = 60): string {
  mkdirSync(dir, { recursive: true });
  const split = (prefix: string, n: number, seed: number) => {
    writeFileSync(
      join(dir, `${prefix}-images-idx3-ubyte`),
      encodeIdx([n, 28, 28], bytes(n * 784, seed)),
    );
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([n], bytes(n, seed + 1, 10)));
  };
  split("train", train, 1);
  split("t10k", test, 3);
  return dir;
}
