import { allocate, type DType, type TypedArray } from "./dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "./errors.js";
import { checkShape, numelOf } from "./shape.js";
import type { NestedArray, Tensor } from "./tensor.js";
import { tensorFromData } from "./tensor-factory.js";
import { defaultGenerator, type Generator } from "./random.js";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type (default float32, or what the data implies for `tensor`). */
  dtype?: DType;
  /** Mark the result as a leaf that requires grad. */
  requiresGrad?: boolean;
}

/** Options of random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  return options.requiresGrad ? t.requiresGrad_(true) : t;
}

function make(
  shape: readonly number[],
  dtype: DType,
  fill: (data: TypedArray) => void,
  options: CreateOptions,
  op: string,
): Tensor {
  const s = checkShape(op, shape);
  const data = allocate(dtype, numelOf(s));
  fill(data);
  return finish(tensorFromData(data, s, dtype), options);
}

function inferNested(
  data: NestedArray,
  op: string,
): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: (number | boolean)[] = [];
  const walk = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v))
        throw new ShapeError(`${op}: nested arrays are ragged (expected shape ${fmtShape(shape)})`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ShapeError(`${op}: nested arrays are ragged (expected shape ${fmtShape(shape)})`);
    }
    for (const e of v) walk(e, d + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/** Options of `tensor`. */
export interface TensorOptions extends CreateOptions {
  /** Shape for flat typed-array data (default: 1-D). */
  shape?: readonly number[];
}

/**
 * Creates a tensor from numbers, booleans, nested arrays or a typed array (always copied).
 * Numbers give float32, booleans bool, an `Int32Array` int32, a `Float64Array` float64, unless
 * `dtype` says otherwise.
 */
export function tensor(data: NestedArray | ArrayLike<number>, options: TensorOptions = {}): Tensor {
  let shape: number[];
  let values: ArrayLike<number | boolean>;
  let inferred: DType;
  if (ArrayBuffer.isView(data)) {
    const typed = data as unknown as TypedArray;
    values = typed;
    shape = options.shape ? checkShape("tensor", options.shape) : [typed.length];
    inferred =
      typed instanceof Float64Array
        ? "float64"
        : typed instanceof Float32Array
          ? "float32"
          : "int32";
    if (numelOf(shape) !== typed.length) {
      throw new ShapeError(
        `tensor: shape ${fmtShape(shape)} does not hold ${typed.length} elements`,
      );
    }
  } else {
    const nested = inferNested(data as NestedArray, "tensor");
    shape = nested.shape;
    values = nested.flat;
    inferred =
      nested.flat.length > 0 && nested.flat.every((v) => typeof v === "boolean")
        ? "bool"
        : "float32";
    if (nested.flat.some((v) => typeof v !== "number" && typeof v !== "boolean")) {
      throw new DTypeError("tensor: data must contain only numbers or booleans");
    }
  }
  const dtype = options.dtype ?? inferred;
  return make(
    shape,
    dtype,
    (out) => {
      for (let i = 0; i < out.length; i++) {
        const v = Number(values[i]);
        out[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : dtype === "int32" ? Math.trunc(v) : v;
      }
    },
    options,
    "tensor",
  );
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return make(shape, options.dtype ?? "float32", (d) => d.fill(value), options, "full");
}
/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return make(shape, options.dtype ?? "float32", () => undefined, options, "zeros");
}
/** A tensor of ones. */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}
/** Zeros with the shape (and, by default, dtype) of `t`. */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}
/** Ones with the shape (and, by default, dtype) of `t`. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}
/** `value` everywhere, with the shape (and, by default, dtype) of `t`. */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * `start, start+step, ...` below `end` (`arange(end)` starts at 0). Integer arguments give int32,
 * others float32, unless `dtype` is given.
 */
export function arange(end: number): Tensor;
export function arange(start: number, end: number, step?: number, options?: CreateOptions): Tensor;
export function arange(a: number, b?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [start, end] = b === undefined ? [0, a] : [a, b];
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError(`arange: step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  return make(
    [n],
    options.dtype ?? (ints ? "int32" : "float32"),
    (d) => {
      for (let i = 0; i < n; i++) d[i] = start + i * step;
    },
    options,
    "arange",
  );
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(
  start: number,
  end: number,
  steps: number,
  options: CreateOptions = {},
): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  return make(
    [steps],
    options.dtype ?? "float32",
    (d) => {
      // symmetric evaluation from both ends, as PyTorch does, so the last value is exactly `end`
      for (let i = 0; i < steps; i++)
        d[i] = i < steps / 2 ? start + i * delta : end - (steps - 1 - i) * delta;
    },
    options,
    "linspace",
  );
}

/** Identity matrix with `n` rows and `m` columns (default `n`). */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  return make(
    [n, m],
    options.dtype ?? "float32",
    (d) => {
      for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
    },
    options,
    "eye",
  );
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  return make(
    shape,
    options.dtype ?? "float32",
    (d) => {
      for (let i = 0; i < d.length; i++) d[i] = g.random();
    },
    options,
    "rand",
  );
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  return make(
    shape,
    options.dtype ?? "float32",
    (d) => {
      for (let i = 0; i < d.length; i++) d[i] = g.normal();
    },
    options,
    "randn",
  );
}

/** Uniform integers in [low, high) (int32 by default). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const g = options.generator ?? defaultGenerator;
  return make(
    shape,
    options.dtype ?? "int32",
    (d) => {
      for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high);
    },
    options,
    "randint",
  );
}

/** A random permutation of 0..n−1 (int32), by Fisher–Yates. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = options.generator ?? defaultGenerator;
  return make(
    [n],
    options.dtype ?? "int32",
    (d) => {
      for (let i = 0; i < n; i++) d[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = g.randint(0, i + 1);
        const t = d[i]!;
        d[i] = d[j]!;
        d[j] = t;
      }
    },
    options,
    "randperm",
  );
}

/**
 * Wraps `data` as a tensor without copying, like `torch.from_numpy`: tensor and array share
 * memory, so a write through either shows in both. The dtype follows the array (`Float32Array` →
 * float32, `Float64Array` → float64, `Int32Array` → int32). Shape: `shape` (default
 * `[data.length]`), which must hold exactly `data.length` elements.
 *
 * @throws {DTypeError} for other kinds of array.
 * @throws {ShapeError} when `shape` does not hold `data.length` elements.
 */
export function fromTypedArray(
  data: Float32Array | Float64Array | Int32Array,
  shape: readonly number[] = [data.length],
  options: Omit<CreateOptions, "dtype"> = {},
): Tensor {
  const op = "fromTypedArray";
  if (![Float32Array, Float64Array, Int32Array].some((type) => data instanceof type))
    throw new DTypeError(`${op}: expected a Float32Array, Float64Array or Int32Array`);
  const s = checkShape(op, shape);
  if (numelOf(s) !== data.length)
    throw new ShapeError(`${op}: shape ${fmtShape(s)} does not hold ${data.length} elements`);
  return finish(tensorFromData(data, s), options);
}
