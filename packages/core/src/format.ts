import type { DType, TypedArray } from "./dtype.js";
import { numelOf } from "./shape.js";

const EDGE = 3;
const SUMMARIZE_ABOVE = 1000;

function floatFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const absMin = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  const special = (v: number): string | null =>
    Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null;
  if (finite.every((v) => Number.isInteger(v)) && absMax < 1e8) {
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  if (absMax >= 1e8 || (absMin < 1e-4 && absMin !== Infinity) || absMax / absMin > 1e3) {
    return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
  }
  return (v) => special(v) ?? v.toFixed(4);
}

/**
 * Renders values the way `print(torch_tensor)` does: aligned columns, 4 decimals (or scientific
 * notation for wide ranges), `...` summaries for large tensors, and trailing keyword extras.
 */
export function formatTensor(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  extras: string[],
): string {
  const summarize = numelOf(shape) > SUMMARIZE_ABOVE;
  const values = Array.from(data);
  const fmt =
    dtype === "bool"
      ? (v: number) => (v ? "True" : "False")
      : dtype === "int32"
        ? (v: number) => String(v)
        : floatFormatter(values);
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const cell = (v: number) => fmt(v).padStart(width);
  const prefix = "tensor(";
  const render = (d: number, off: number, indent: number): string => {
    if (d === shape.length) return cell(values[off]!);
    const n = shape[d]!;
    const stride = numelOf(shape.slice(d + 1));
    const idx =
      summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    const parts = idx.map((i) => (i < 0 ? "..." : render(d + 1, off + i * stride, indent + 1)));
    if (d === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? cell(values[0]!) : render(0, 0, prefix.length);
  const tail = extras.length > 0 ? `, ${extras.join(", ")}` : "";
  return `${prefix}${body}${tail})`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
