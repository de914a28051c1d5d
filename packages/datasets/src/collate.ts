import { Tensor, ValueError, fromTypedArray, stack, tensor } from "@tsgrad/core";

/**
 * The type of a batch of items of type `T`, as {@link collate} builds it: tensors are stacked
 * into one tensor with a new leading batch dimension, numbers and booleans become a 1-D tensor,
 * and tuples, arrays and plain objects are batched position by position / key by key.
 * For example `Collated<[Tensor, number]>` is `[Tensor, Tensor]`.
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * What `DataLoader` needs from a dataset: a length and random access by index, plus an optional
 * batched fast path. {@link Dataset} implements it; any object of this shape works too.
 */
export interface DatasetLike<T> {
  /** Number of items. */
  readonly length: number;
  /** Item `index`, `0 <= index < length`. */
  get(index: number): T;
  /**
   * Optional fast path: the items at `indices` already batched, equal to
   * `collate(indices.map(get))`. `DataLoader` calls it instead of `get` when present.
   */
  getBatch?(indices: Int32Array): Collated<T>;
}

/**
 * Batches a list of items, PyTorch's `default_collate`: tensors (all of one shape) are stacked
 * along a new dimension 0; numbers become an int32 tensor when all are integers and a float32
 * tensor otherwise; booleans a bool tensor; tuples/arrays and plain objects are collated
 * element-wise.
 *
 * Shape: `n` tensors of shape `S` → `[n, ...S]`; `n` numbers → `[n]`.
 *
 * @throws {ValueError} when `items` is empty, mixes kinds, or holds something that cannot be
 *   batched (strings, `null`, ...).
 * @throws {ShapeError} (from `stack`) when tensor shapes differ.
 */
export function collate<T>(items: readonly T[]): Collated<T> {
  return collateAt(items, (i) => `item ${i}`) as Collated<T>;
}

function collateAt(items: readonly unknown[], where: (i: number) => string): unknown {
  const first = items[0];
  if (first === undefined) throw new ValueError("collate: expected at least one item");
  const kind = kindOf(first);
  const bad = items.findIndex((item) => kindOf(item) !== kind);
  if (bad !== -1) {
    throw new ValueError(
      `collate: ${where(0)} is a ${kind} but ${where(bad)} is a ${kindOf(items[bad])}`,
    );
  }
  switch (kind) {
    case "tensor":
      return stack(items as Tensor[], 0);
    case "number": {
      const values = items as number[];
      const ints = values.every((v) => Number.isInteger(v) && Math.abs(v) <= 0x7fffffff);
      return fromTypedArray(ints ? Int32Array.from(values) : Float32Array.from(values));
    }
    case "boolean":
      return tensor(items as boolean[]);
    case "array": {
      const arrays = items as unknown[][];
      const n = arrays[0]?.length ?? 0;
      const ragged = arrays.findIndex((a) => a.length !== n);
      if (ragged !== -1) {
        throw new ValueError(
          `collate: ${where(0)} has ${n} elements but ${where(ragged)} has ${arrays[ragged]?.length}`,
        );
      }
      return Array.from({ length: n }, (_, j) =>
        collateAt(
          arrays.map((a) => a[j]),
          (i) => `element ${j} of ${where(i)}`,
        ),
      );
    }
    case "object": {
      const records = items as Record<string, unknown>[];
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(records[0] ?? {})) {
        out[key] = collateAt(
          records.map((r) => r[key]),
          (i) => `key "${key}" of ${where(i)}`,
        );
      }
      return out;
    }
    default:
      throw new ValueError(`collate: cannot batch a ${kind} (${where(0)})`);
  }
}

function kindOf(value: unknown): string {
  if (value instanceof Tensor) return "tensor";
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  const type = typeof value;
  if (type === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? "object" : "non-plain object";
  }
  return type;
}

/**
 * The items at `indices` of `dataset`, batched: through its `getBatch` fast path when it has one,
 * otherwise by {@link collate} of `get(i)` for each index.
 */
export function fetchBatch<T>(dataset: DatasetLike<T>, indices: Int32Array): Collated<T> {
  if (dataset.getBatch !== undefined) return dataset.getBatch(indices);
  return collate(Array.from(indices, (i) => dataset.get(i)));
}
