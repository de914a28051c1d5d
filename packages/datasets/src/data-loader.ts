import { Tensor, ValueError, defaultGenerator, randperm, type Generator } from "@tsgrad/core";
import { fetchBatch, type Collated, type DatasetLike } from "./collate.js";
import { applyTransform, type TransformLike } from "./transforms.js";

/** Options of {@link DataLoader}, PyTorch's keyword arguments in camelCase. */
export interface DataLoaderOptions {
  /** Items per batch (default 1). A positive integer. */
  batchSize?: number;
  /** Visit the items in a new random order each epoch (default false: in index order). */
  shuffle?: boolean;
  /** Generator the shuffling draws from (default: the one `manualSeed` seeds). */
  generator?: Generator;
  /** Drop the last batch when it has fewer than `batchSize` items (default false). */
  dropLast?: boolean;
  /**
   * Applied once to the inputs of each batch (the batch itself when items are tensors, else
   * its first element, e.g. the images of `[images, labels]`): a vectorised, per-batch transform.
   */
  transform?: TransformLike;
}

/**
 * Iterates over a dataset in batches, PyTorch's `DataLoader` (single process, synchronous):
 * `for (const [images, labels] of loader)`. Each epoch (each new iteration) visits every item
 * exactly once, in index order or, with `shuffle`, in the order of a fresh `randperm` drawn from
 * the generator when the iteration starts (like PyTorch's `RandomSampler`), so restoring the
 * generator's state before an epoch reproduces that epoch's order.
 *
 * A dataset with a `getBatch` method (MNIST, Fashion-MNIST, `TensorDataset`, `Subset` of those)
 * is read one batch at a time; MNIST converts its uint8 pixels straight into the float32 batch.
 * Other datasets are read item by item and batched with `collate` (tensors stacked).
 *
 * Shape: for (Fashion-)MNIST, images `[B, 1, 28, 28]` float32 in [0, 1] (before transforms) and
 * labels `[B]` int32, with `B = batchSize` except possibly for the last batch.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new FashionMNIST({ train: true }), {
 *   batchSize: 100,
 *   shuffle: true,
 *   generator: new Generator(0),
 * });
 * for (const [images, labels] of loader) {
 *   // images: [100, 1, 28, 28] float32, labels: [100] int32
 * }
 * ```
 */
export class DataLoader<T> implements Iterable<Collated<T>> {
  /** Items per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the items in a new random order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is dropped. */
  readonly dropLast: boolean;
  /** The generator shuffling draws from, if one was given (else the default generator). */
  readonly generator: Generator | undefined;
  /** The per-batch transform, if any. */
  readonly transform: TransformLike | undefined;

  /**
   * @throws {ValueError} when `batchSize` is not a positive integer.
   */
  constructor(
    /** The dataset the batches come from. */
    readonly dataset: DatasetLike<T>,
    options: DataLoaderOptions = {},
  ) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator;
    this.transform = options.transform;
  }

  /** Number of batches per epoch: `ceil(n / batchSize)`, or `floor(n / batchSize)` with `dropLast`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * Starts an epoch. With `shuffle`, the permutation is drawn from the generator here, when the
   * iteration starts, not when the first batch is taken.
   */
  [Symbol.iterator](): Iterator<Collated<T>> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? (randperm(n, { generator: this.generator ?? defaultGenerator }).data as Int32Array)
      : Int32Array.from({ length: n }, (_, i) => i);
    return this.batches(order);
  }

  private *batches(order: Int32Array): IterableIterator<Collated<T>> {
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      const batch = fetchBatch(this.dataset, indices);
      yield this.transform === undefined ? batch : this.applyTo(batch, this.transform);
    }
  }

  private applyTo(batch: Collated<T>, transform: TransformLike): Collated<T> {
    const value: unknown = batch;
    if (value instanceof Tensor) return applyTransform(transform, value) as Collated<T>;
    if (Array.isArray(value) && value[0] instanceof Tensor) {
      const [inputs, ...rest] = value as [Tensor, ...unknown[]];
      const out: unknown = [applyTransform(transform, inputs), ...rest];
      return out as Collated<T>;
    }
    throw new ValueError(
      "DataLoader: transform needs batches that are tensors or arrays whose first element is a tensor",
    );
  }
}
