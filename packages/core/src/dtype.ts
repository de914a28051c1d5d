import { DTypeError } from "./errors.js";

/** Element types a tensor can hold. `bool` is stored as one byte per element (0 or 1). */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array that backs each dtype. */
export interface TypedArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any storage array tsgrad uses. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Allocates a zero-filled array for `n` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, n: number): TypedArrayMap[D];
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

/** The dtype whose storage is `data`. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

/** True for float32 and float64: the dtypes that can require gradients. */
export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Type promotion for two tensor operands: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a JS number takes when combined with a tensor of `dtype`. A number never widens a
 * tensor within its category (float32 stays float32); as in PyTorch, a non-integer number makes
 * an integer or bool tensor float32, and an integer number makes a bool tensor int32.
 */
export function scalarDType(dtype: DType, value: number): DType {
  if (isFloating(dtype)) return dtype;
  if (!Number.isInteger(value)) return "float32";
  return "int32";
}

/** Throws unless `dtype` is floating point. */
export function assertFloating(op: string, dtype: DType): void {
  if (!isFloating(dtype)) {
    throw new DTypeError(
      `${op}: expected a floating-point tensor (float32 or float64), got ${dtype}`,
    );
  }
}
