import {
  IndexError,
  ShapeError,
  ValueError,
  defaultGenerator,
  fromTypedArray,
  indexSelect,
  randperm,
  type Generator,
  type Tensor,
} from "@tsgrad/core";
import { fetchBatch, type Collated, type DatasetLike } from "./collate.js";

/**
 * A map-style dataset, PyTorch's `torch.utils.data.Dataset`: `length` items, item `i` from
 * `get(i)`. Subclasses may add `getBatch(indices)`, a fast path `DataLoader` uses instead of
 * calling `get` per item (see {@link DatasetLike}).
 */
export abstract class Dataset<T> implements DatasetLike<T> {
  /** Number of items. */
  abstract readonly length: number;
  /** Item `index`, `0 <= index < length`. */
  abstract get(index: number): T;
  /** Optional batched fast path, equal to `collate(indices.map(get))`. */
  getBatch?(indices: Int32Array): Collated<T>;
}

/** Throws an `IndexError` unless `index` is an integer in `[0, length)`. */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new IndexError(`${op}: index ${index} is out of range for ${length} items`);
  }
}

/**
 * A dataset of equally long tensors, PyTorch's `TensorDataset`: item `i` is `[t[i] for each t]`.
 * Items are views (no copy); batches are gathered with one `indexSelect` per tensor.
 *
 * Shape: tensors `[N, ...S_k]` → item `[S_0, S_1, ...]`, batch of `B` → `[[B, ...S_0], ...]`.
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(randn([100, 3]), randint(0, 2, [100]));
 * const [x, y] = ds.get(0); // x: [3], y: [] (0-d int32)
 * ```
 */
export class TensorDataset<T extends Tensor[]> extends Dataset<T> {
  /** The tensors, all with the same size of dimension 0. */
  readonly tensors: T;
  /** Number of items: the size of dimension 0 of every tensor. */
  readonly length: number;

  /**
   * @throws {ValueError} with no tensors.
   * @throws {ShapeError} when a tensor is 0-d or the sizes of dimension 0 differ.
   */
  constructor(...tensors: T) {
    super();
    const first = tensors[0];
    if (first === undefined) throw new ValueError("TensorDataset: expected at least one tensor");
    const shapes = tensors.map((t) => `[${t.shape.join(", ")}]`).join(", ");
    if (tensors.some((t) => t.dim() === 0 || t.shape[0] !== first.shape[0])) {
      throw new ShapeError(
        `TensorDataset: tensors must have the same size in dimension 0 (the items), got ${shapes}`,
      );
    }
    this.tensors = tensors;
    this.length = first.shape[0] ?? 0;
  }

  /**
   * Item `index`: `tensors.map((t) => t.select(0, index))`, views.
   *
   * @throws {IndexError} when `index` is not an integer in `[0, length)`.
   */
  get(index: number): T {
    checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => t.select(0, index)) as T;
  }

  /**
   * Items `indices`, batched: one `indexSelect` along dimension 0 per tensor (copies).
   *
   * @throws {IndexError} when an index is out of range.
   */
  override getBatch(indices: Int32Array): Collated<T> {
    const index = fromTypedArray(Int32Array.from(indices));
    return this.tensors.map((t) => indexSelect(t, 0, index)) as Collated<T>;
  }
}

/**
 * The items of `dataset` at `indices`, in that order, PyTorch's `Subset`. Batched access goes
 * through the wrapped dataset's fast path when it has one.
 */
export class Subset<T> extends Dataset<T> {
  /** Positions in `dataset`, one per item of the subset. */
  readonly indices: Int32Array;
  /** Number of items: `indices.length`. */
  readonly length: number;

  /** @throws {IndexError} when an index is out of range for `dataset`. */
  constructor(
    /** The dataset the items come from. */
    readonly dataset: DatasetLike<T>,
    indices: ArrayLike<number>,
  ) {
    super();
    for (let i = 0; i < indices.length; i++) {
      checkIndex(`Subset: indices[${i}]`, indices[i] ?? -1, dataset.length);
    }
    this.indices = Int32Array.from(indices);
    this.length = indices.length;
  }

  /** Item `index` of the subset, i.e. `dataset.get(indices[index])`. */
  get(index: number): T {
    checkIndex("Subset.get", index, this.length);
    return this.dataset.get(this.indices[index] ?? 0);
  }

  /** Items `indices` of the subset, batched by the wrapped dataset. */
  override getBatch(indices: Int32Array): Collated<T> {
    const mapped = Int32Array.from(indices, (i) => {
      checkIndex("Subset.getBatch", i, this.length);
      return this.indices[i] ?? 0;
    });
    return fetchBatch(this.dataset, mapped);
  }
}

/**
 * Splits `dataset` at random into non-overlapping subsets, PyTorch's `random_split`. `lengths`
 * are item counts summing to `dataset.length`, or fractions summing to 1: each split then gets
 * `floor(fraction * length)` items and the remainder goes one by one to the first splits.
 * Reproducible with a seeded `generator` (default: the one `manualSeed` seeds).
 *
 * @example
 * ```ts
 * const [train, val] = randomSplit(full, [0.9, 0.1], { generator: new Generator(42) });
 * ```
 *
 * @throws {ValueError} when the lengths are negative or do not add up.
 */
export function randomSplit<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[],
  options: { generator?: Generator } = {},
): Subset<T>[] {
  const n = dataset.length;
  let counts = [...lengths];
  const total = counts.reduce((a, b) => a + b, 0);
  const fractions = counts.every((f) => f >= 0 && f <= 1) && Math.abs(total - 1) < 1e-9;
  if (fractions && total !== n) {
    counts = counts.map((f) => Math.floor(f * n));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  }
  if (
    counts.some((c) => !Number.isInteger(c) || c < 0) ||
    counts.reduce((a, b) => a + b, 0) !== n
  ) {
    throw new ValueError(
      `randomSplit: lengths [${lengths.join(", ")}] must be non-negative integers summing to the ` +
        `dataset's ${n} items, or fractions summing to 1`,
    );
  }
  const generator = options.generator ?? defaultGenerator;
  const order = randperm(n, { generator }).data as Int32Array;
  let start = 0;
  return counts.map((count) => {
    const subset = new Subset(dataset, order.subarray(start, start + count));
    start += count;
    return subset;
  });
}
