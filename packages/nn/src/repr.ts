/**
 * Helpers that print values the way Python's `repr` does, so module printouts read like
 * PyTorch's (`eps=1e-05`, `affine=True`, `kernel_size=(5, 5)`, `momentum=None`).
 */

/** A value printable in a module's `extraRepr`. */
export type PyValue = number | boolean | string | null | readonly number[];

/** Python's `repr(float)` for non-integers and `repr(int)` for integers: `0.1`, `1e-05`, `2`. */
export function pyNumber(v: number, float = false): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && !float) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    // JS and Python pick the same shortest digits; only the exponent is written differently
    const [mantissa, exp] = v.toExponential().split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** Python's float repr: `0.1`, `1e-05`, `1.0`. */
export function pyFloat(v: number): string {
  return pyNumber(v, true);
}

/** Python's `repr` of a number, bool, `None`, string (quoted) or tuple of ints. */
export function pyRepr(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "number") return pyNumber(v);
  return v.length === 1 ? `(${pyNumber(v[0]!)},)` : `(${v.map((x) => pyNumber(x)).join(", ")})`;
}

/** Python's `str` of a value (strings unquoted, as `'{}'.format(s)` prints them). */
export function pyStr(v: PyValue): string {
  return typeof v === "string" ? v : pyRepr(v);
}

/** Indents every line after the first by `spaces` (PyTorch's `_addindent`). */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split("\n");
  if (lines.length === 1) return s;
  const pad = " ".repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}
