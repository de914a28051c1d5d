/**
 * `@tsgrad/datasets/node`: datasets on disk (Node only) — MNIST and Fashion-MNIST found on a
 * predictable search path and fetched by a verified, atomic `download()`, and IDX files read
 * gzipped or raw. Everything else, `DataLoader` included, is in `@tsgrad/datasets`.
 *
 * @packageDocumentation
 * @module @tsgrad/datasets/node
 */
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  maybeGunzip,
  readIdxFile,
  type IdxFileOptions,
} from "./idx-node.js";
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
