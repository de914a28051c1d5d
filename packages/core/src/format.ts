import type { DType, TypedArray } from "./dtype.js";
import { isFloating } from "./dtype.js";
import { contiguousStrides, numelOf } from "./shape.js";

/** Nested number arrays, as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * Row-major `values` of a tensor of `shape` as nested arrays (booleans for `bool`), or the one
 * value of a 0-d tensor.
 */
export function nestedArray(
  values: TypedArray,
  shape: readonly number[],
  dtype: DType,
): NestedArray {
  const flat = Array.from(values, (v) => (dtype === "bool" ? v !== 0 : v));
  const build = (d: number, off: number): NestedArray => {
    if (d === shape.length) return flat[off]!;
    const stride = numelOf(shape.slice(d + 1));
    return Array.from({ length: shape[d]! }, (_, i) => build(d + 1, off + i * stride));
  };
  return build(0, 0);
}

/** PyTorch's name for the backward of op `name`: `mul` → `MulBackward0`. */
export function backwardName(name: string): string {
  return `${name[0]!.toUpperCase()}${name.slice(1)}Backward0`;
}

// PyTorch's default print options
const EDGE = 3;
const THRESHOLD = 1000;
const LINEWIDTH = 80;
const PRECISION = 4;

interface Formatter {
  width: number;
  format(v: number): string;
}

/**
 * `toFixed` / `toExponential` with Python's rounding: both round the exact binary value, but on
 * an exact tie (e.g. 0.03125 to 4 places) JS rounds away from zero and Python to even.
 */
function pyRound(v: number, p: number, sci: boolean): string {
  const s = sci ? v.toExponential(p) : v.toFixed(p);
  const a = Math.abs(v);
  if (Object.is(v, -0)) return `-${s}`; // JS drops the sign of −0; Python keeps it
  if (!Number.isFinite(v) || a >= 1e21 || a === 0) return s;
  const exact = a.toFixed(100).replace(/0+$/, "");
  const [ip = "", fp = ""] = exact.split(".");
  const digits = sci ? (ip + fp).replace(/^0+/, "") : fp;
  const kept = digits.slice(0, sci ? p + 1 : p);
  if (digits.slice(kept.length) !== "5") return s;
  const last = Number((sci ? kept : ip + kept).slice(-1));
  if (last % 2 === 1) return s; // rounding up lands on the even digit
  const sign = v < 0 ? "-" : "";
  if (!sci) return `${sign}${ip}${p > 0 ? "." + kept : ""}`;
  return `${sign}${kept[0]}${p > 0 ? "." + kept.slice(1) : ""}${s.slice(s.indexOf("e"))}`;
}

/** Python's `{:.4e}`: at least two exponent digits. */
const sciStr = (v: number): string => pyRound(v, PRECISION, true).replace(/e([+-])(\d)$/, "e$10$2");

/** PyTorch's `_Formatter`: one width and style for all elements, chosen from `values`. */
function makeFormatter(values: readonly number[], dtype: DType): Formatter {
  if (!isFloating(dtype)) {
    const str = dtype === "bool" ? (v: number) => (v ? "True" : "False") : String;
    const width = values.reduce((w, v) => Math.max(w, str(v).length), 1);
    return { width, format: (v) => str(v).padStart(width) };
  }
  const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
  const special = (v: number): string | null =>
    Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null;
  let str = (v: number): string => special(v) ?? `${pyRound(v, 0, false)}.`; // int mode
  let width = 1;
  if (nz.length > 0) {
    const abs = nz.map(Math.abs);
    const max = Math.max(...abs);
    const min = Math.min(...abs);
    const intMode = nz.every((v) => Number.isInteger(v));
    if (max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4)) {
      str = (v) => special(v) ?? sciStr(v);
    } else if (!intMode) {
      str = (v) => special(v) ?? pyRound(v, PRECISION, false);
    }
    width = nz.reduce((w, v) => Math.max(w, str(v).length), 1);
  }
  return { width, format: (v) => str(v).padStart(width) };
}

/** A tensor's elements, read as row-major nested rows. */
interface Grid {
  values: readonly number[];
  shape: readonly number[];
  strides: readonly number[];
}

const keptRows = (n: number, summarize: boolean): number[] =>
  summarize && n > 2 * EDGE ? [...range(0, EDGE), ...range(n - EDGE, n)] : range(0, n);

/** The elements PyTorch's `get_summarized_data` keeps (edges only when summarizing). */
function summarized(g: Grid, d: number, off: number, summarize: boolean): number[] {
  if (d === g.shape.length) return [g.values[off]!];
  return keptRows(g.shape[d]!, summarize).flatMap((i) =>
    summarized(g, d + 1, off + i * g.strides[d]!, summarize),
  );
}

function vectorStr(
  g: Grid,
  off: number,
  indent: number,
  summarize: boolean,
  fmt: Formatter,
): string {
  const n = g.shape[g.shape.length - 1]!;
  const at = (i: number): string => fmt.format(g.values[off + i]!);
  const data =
    summarize && n > 2 * EDGE
      ? [...range(0, EDGE).map(at), " ...", ...range(n - EDGE, n).map(at)]
      : range(0, n).map(at);
  const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
}

function tensorStr(
  g: Grid,
  d: number,
  off: number,
  indent: number,
  summarize: boolean,
  fmt: Formatter,
): string {
  const dims = g.shape.length - d;
  if (dims === 0) return fmt.format(g.values[off]!);
  if (dims === 1) return vectorStr(g, off, indent, summarize, fmt);
  const n = g.shape[d]!;
  const row = (i: number): string =>
    tensorStr(g, d + 1, off + i * g.strides[d]!, indent + 1, summarize, fmt);
  const slices =
    summarize && n > 2 * EDGE
      ? [...range(0, EDGE).map(row), "...", ...range(n - EDGE, n).map(row)]
      : range(0, n).map(row);
  return `[${slices.join("," + "\n".repeat(dims - 1) + " ".repeat(indent + 1))}]`;
}

/** PyTorch's `_add_suffixes`: a suffix that would pass column 80 starts a new line. */
function addSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  let out = body;
  let lastLen = body.length - body.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLen + s.length + 2 > LINEWIDTH) {
      out += ",\n" + " ".repeat(indent) + s;
      lastLen = indent + s.length;
    } else {
      out += ", " + s;
      lastLen += s.length + 2;
    }
  }
  return out + ")";
}

/**
 * Renders a tensor the way `print(torch_tensor)` does with default print options: aligned
 * columns, 4 decimals (or scientific notation for wide ranges), lines wrapped at 80 columns,
 * `...` summaries above 1000 elements, and the `size=`/`dtype=` suffixes, then `extras`
 * (e.g. `requires_grad=True`). `data` is contiguous row-major. float32 is the default dtype and
 * bool is implied by its values, so neither prints a `dtype=` (except for empty tensors).
 */
export function formatTensor(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  extras: readonly string[],
): string {
  const prefix = "tensor(";
  const suffixes: string[] = [];
  let body: string;
  if (numelOf(shape) === 0) {
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(", ")})`);
    if (dtype !== "float32") suffixes.push(`dtype=torch.${dtype}`);
    body = "[]";
  } else {
    if (dtype !== "float32" && dtype !== "bool") suffixes.push(`dtype=torch.${dtype}`);
    const grid: Grid = { values: Array.from(data), shape, strides: contiguousStrides(shape) };
    const summarize = numelOf(shape) > THRESHOLD;
    const fmt = makeFormatter(summarized(grid, 0, 0, summarize), dtype);
    body = tensorStr(grid, 0, 0, prefix.length, summarize, fmt);
  }
  return addSuffixes(prefix + body, [...suffixes, ...extras], prefix.length);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
