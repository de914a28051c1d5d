import { dtypeOfArray, type DType, type TypedArray } from "./dtype.js";
import { contiguousStrides } from "./shape.js";
import { Storage } from "./storage.js";
import type { Tensor } from "./tensor.js";

// Why this module exists: `tensor.ts` imports every op, because Tensor's methods are one-line
// delegations to them. If the ops imported `tensor.ts` back to build their results, the two would
// form an import cycle (a test keeps the import graph of core acyclic). So the dependency points
// one way only: tensor.ts hands its class to this module when it loads, and ops, creation
// functions and the engine build tensors through `makeTensor` / `tensorFromData`.

type TensorClass = new (
  storage: Storage,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dtype: DType,
) => Tensor;

let TensorCtor: TensorClass | null = null;

/** @internal Called once by tensor.ts as it loads. */
export function provideTensorClass(ctor: TensorClass): void {
  TensorCtor = ctor;
}

/** A tensor over `storage` with the given layout (a view when the storage is shared). */
export function makeTensor(
  storage: Storage,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dtype: DType,
): Tensor {
  if (TensorCtor === null) {
    throw new Error("tsgrad internal error: tensor.ts was not loaded before an op ran");
  }
  return new TensorCtor(storage, shape, strides, offset, dtype);
}

/** Wraps a fresh contiguous array as a tensor (no copy). */
export function tensorFromData(data: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
  return makeTensor(
    new Storage(data),
    shape,
    contiguousStrides(shape),
    0,
    dtype ?? dtypeOfArray(data),
  );
}
