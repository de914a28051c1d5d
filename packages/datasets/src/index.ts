/**
 * `@tsgrad/datasets`: data files for tsgrad. IDX parsing (the MNIST format, gzipped or raw),
 * MNIST and Fashion-MNIST with a predictable search path and a verified, atomic `download()`;
 * `Dataset`, `TensorDataset`, `Subset`, `randomSplit`, a synchronous batched `DataLoader`, and
 * image transforms (`Normalize`, `Compose`).
 *
 * @packageDocumentation
 */
export { DataError, IndexError } from "./errors.js";
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  encodeIdx,
  isGzip,
  maybeGunzip,
  parseIdx,
  readIdxFile,
  type IdxArray,
  type IdxOptions,
} from "./idx.js";
export {
  SYSTEM_DATA_DIR,
  cacheDir,
  dataSearchDirs,
  findDataFiles,
  type DataEnv,
  type FindResult,
  type FoundFiles,
} from "./locate.js";
export {
  downloadFiles,
  type DownloadOptions,
  type DownloadSpec,
  type FetchLike,
  type FetchResponseLike,
  type FileChecksum,
} from "./download.js";
export { MNIST, type MNISTOptions, type MNISTResources, type MNISTSample } from "./mnist.js";
export { FashionMNIST } from "./fashion-mnist.js";
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
