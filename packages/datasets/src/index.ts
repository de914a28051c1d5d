/**
 * `@tsgrad/datasets`: data for tsgrad in any JS runtime — IDX parsing from bytes (the MNIST
 * format), `Dataset`, `TensorDataset`, `Subset`, `randomSplit`, a synchronous batched
 * `DataLoader`, and image transforms (`Normalize`, `Compose`). Files live in
 * `@tsgrad/datasets/node`: MNIST and Fashion-MNIST with a predictable search path and a verified,
 * atomic `download()`, IDX files gzipped or raw.
 *
 * @packageDocumentation
 * @module @tsgrad/datasets
 */
export { DataError, IndexError } from "./errors.js";
export { FASHION_MNIST_CLASSES } from "./class-names.js";
export { encodeIdx, isGzip, parseIdx, type IdxArray, type IdxOptions } from "./idx.js";
export { collate, fetchBatch, type Collated, type DatasetLike } from "./collate.js";
export { Dataset, Subset, TensorDataset, randomSplit } from "./dataset.js";
export { DataLoader, type DataLoaderOptions } from "./data-loader.js";
export {
  Compose,
  Normalize,
  applyTransform,
  isBatched,
  type Transform,
  type TransformLike,
} from "./transforms.js";
