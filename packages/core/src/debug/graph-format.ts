import type { DType } from "../dtype.js";
import type { TracedValue } from "./graph.js";
import type { OpAttrValue, OpAttrs } from "./observer.js";
import type { SourceLocation } from "./source.js";

// How a traced graph spells its parts, shared by the text printout and the DOT output.

const SHORT: Readonly<Record<DType, string>> = {
  float32: "f32",
  float64: "f64",
  int32: "i32",
  bool: "bool",
};

/** `f32[2, 3]`: a value's type as the printout shows it. */
export function typeOf(v: { readonly dtype: DType; readonly shape: readonly number[] }): string {
  return `${SHORT[v.dtype]}[${v.shape.join(", ")}]`;
}

/** `stride=[1, 1]`; null attributes are left out. */
export function formatAttrs(attrs: OpAttrs): string[] {
  return Object.entries(attrs)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${formatAttr(v)}`);
}

function formatAttr(v: OpAttrValue): string {
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** `%3`, or the value of an inline constant, or `null` for an absent input. */
export function ref(v: TracedValue | null): string {
  if (v === null) return "null";
  return v.value !== null ? String(v.value) : `%${v.name}`;
}

/** `file.ts:12`: the file's last path segment and the line. */
export function formatSource(s: SourceLocation): string {
  return `${s.file.slice(s.file.lastIndexOf("/") + 1)}:${s.line}`;
}
