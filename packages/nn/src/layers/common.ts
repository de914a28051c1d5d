import { ValueError, type Generator } from "@tsgrad/core";

/** Options every layer with parameters accepts (PyTorch's factory keywords). */
export interface FactoryOptions {
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: "float32" | "float64";
  /** Generator for the default initialisation (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/** An int applying to both spatial dims, or a (height, width) pair. */
export type Size2 = number | readonly [number, number];

/** Throws unless `v` is an integer ≥ `min`. */
export function checkInt(op: string, name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${v}`);
  }
  return v;
}

/** Expands an int or tuple to an `n`-tuple of integers ≥ `min` (PyTorch's `_pair`/`_single`). */
export function ntuple(
  op: string,
  name: string,
  v: number | readonly number[],
  n: number,
  min: number,
): number[] {
  const t = typeof v === "number" ? new Array<number>(n).fill(v) : [...v];
  if (t.length !== n) {
    throw new ValueError(`${op}: ${name} must be an int or ${n} ints, got [${t.join(", ")}]`);
  }
  for (const x of t) checkInt(op, name, x, min);
  return t;
}
