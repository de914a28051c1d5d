import { fmtShape } from "../errors.js";
import { contiguousStrides } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** One entry where the analytical gradient disagrees with central differences. */
export interface Mismatch {
  /** Index of the output in `fn`'s result. */
  output: number;
  /** Index of the input in the `inputs` array. */
  input: number;
  /** Which entry: `out[i, j] / in[k]`, or the random direction in fast mode. */
  where: string;
  numerical: number;
  analytical: number;
}

/** Tolerances a report quotes. */
export interface Tolerances {
  eps: number;
  atol: number;
  rtol: number;
}

const fmtNum = (v: number): string => v.toPrecision(8).padStart(16);
const fmtTol = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : `${v}`);

/** `[i, j, ...]` of row-major element `p` of `shape`. */
export function multiIndex(p: number, shape: readonly number[]): string {
  const cs = contiguousStrides(shape);
  return fmtShape(shape.map((s, d) => Math.floor(p / cs[d]!) % s));
}

/**
 * The message of a `GradcheckError`: a header with the tolerances and input shapes, then one row
 * per differing entry (the first 10) with numerical and analytical values.
 */
export function report(
  op: string,
  bad: readonly Mismatch[],
  inputs: readonly Tensor[],
  fast: boolean,
  tol: Tolerances,
  note = "",
): string {
  const shapes = inputs.map((t, i) => `${i}: ${fmtShape(t.shape)} ${t.dtype}`).join(", ");
  const mode = fast ? "random-projection" : "Jacobian";
  const rows = bad.slice(0, 10).map((m) => {
    const label = `output ${m.output}, input ${m.input}, ${m.where}`.padEnd(44);
    const d = Math.abs(m.numerical - m.analytical).toExponential(2);
    return `  ${label} ${fmtNum(m.numerical)} ${fmtNum(m.analytical)}   ${d}`;
  });
  const header =
    `${op}: ${bad.length} ${mode} entr${bad.length === 1 ? "y differs" : "ies differ"} ` +
    `(eps ${fmtTol(tol.eps)}, atol ${fmtTol(tol.atol)}, rtol ${fmtTol(tol.rtol)})${note}\n` +
    `  inputs ${shapes}`;
  return [
    header,
    `  ${"entry".padEnd(44)} ${"numerical".padStart(16)} ${"analytical".padStart(16)}   |diff|`,
    ...rows,
    ...(bad.length > 10 ? [`  ... and ${bad.length - 10} more`] : []),
    ...(fast ? ["  (rerun with { fastMode: false } to list Jacobian entries)"] : []),
  ].join("\n");
}
