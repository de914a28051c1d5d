import { fromTypedArray, stack, type Tensor } from "@tsgrad/core";
import { DataError } from "./errors.js";
import { Dataset, checkIndex } from "./dataset.js";
import { downloadFiles, type DownloadOptions, type FileChecksum } from "./download.js";
import { readIdxFile } from "./idx-node.js";
import { cacheDir, dataSearchDirs, findDataFiles } from "./locate.js";
import { uint8ImagesToTensor } from "./uint8-images.js";
import { applyTransform, isBatched, type TransformLike } from "./transforms.js";

/** Options for `new MNIST(...)` and `new FashionMNIST(...)`. */
export interface MNISTOptions {
  /**
   * Directory holding the IDX files (raw or `.gz`), or a `<name>/` subdirectory of it. When
   * given, it is the only place searched; otherwise see {@link dataSearchDirs}.
   */
  root?: string;
  /** Load the 60,000-image training split (default `true`) or the 10,000-image test split. */
  train?: boolean;
  /** Bound on each decompressed file, in bytes (default 256 MiB). */
  maxDecompressedBytes?: number;
  /** Applied to each image tensor `get` returns, and per batch by `getBatch` when batched. */
  transform?: TransformLike;
}

/** One example as stored (see `raw`): a view of its uint8 pixels and its class index. */
export interface MNISTSample {
  /** `rows * cols` uint8 pixels (0 = background), row-major; a view, not a copy. Shape: `[28, 28]`. */
  image: Uint8Array;
  /** Class index, `0 <= label < classes.length`. */
  label: number;
}

/** Where a dataset lives and how to fetch and verify it. */
export interface MNISTResources {
  /** Directory name under `$TSGRAD_DATA`, the cache and `/usr/share/datasets`. */
  dirName: string;
  /** Base URLs of the official mirrors, tried in order. */
  mirrors: readonly string[];
  /** Official checksums keyed by `.gz` file name. */
  checksums: Readonly<Record<string, FileChecksum>>;
  /** The Debian/Ubuntu package that installs the files, if there is one. */
  aptPackage?: string;
}

const FILES = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

const ALL_GZ = [...FILES.train, ...FILES.test].map((base) => `${base}.gz`);

/**
 * The MNIST handwritten digits: 60,000 training and 10,000 test 28×28 grayscale images, labels
 * 0–9. Loads synchronously from the first directory that holds the split's two IDX files (see
 * {@link dataSearchDirs}); pixels stay uint8 in memory (47 MB for the training split) and become
 * float32 in [0, 1] (`pixel / 255`, torchvision's `ToTensor`) only when read through `get` or
 * `getBatch`, the fast path `DataLoader` uses.
 *
 * Shape: `images` is `[N, 28, 28]` flattened (`N * 784` bytes); `labels` is `[N]`; `get(i)` gives
 * `[image [1, 28, 28], label]`.
 *
 * @example
 * ```ts
 * await MNIST.download(); // once, into ~/.cache/tsgrad/mnist
 * const train = new MNIST({ train: true });
 * const [image, label] = train.get(0); // image: float32 [1, 28, 28] in [0, 1]
 * ```
 */
export class MNIST extends Dataset<[Tensor, number]> {
  /** Class names indexed by label, as in torchvision: `"0 - zero"` ... `"9 - nine"`. */
  static readonly classes: readonly string[] = [
    "0 - zero",
    "1 - one",
    "2 - two",
    "3 - three",
    "4 - four",
    "5 - five",
    "6 - six",
    "7 - seven",
    "8 - eight",
    "9 - nine",
  ];

  /** Where the dataset lives and how to fetch and verify it. */
  static readonly resources: MNISTResources = {
    dirName: "mnist",
    mirrors: [
      "https://ossci-datasets.s3.amazonaws.com/mnist/",
      "http://yann.lecun.com/exdb/mnist/",
    ],
    checksums: {
      "train-images-idx3-ubyte.gz": { md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
      "train-labels-idx1-ubyte.gz": { md5: "d53e105ee54ea40749a09fcbcd1e9432" },
      "t10k-images-idx3-ubyte.gz": { md5: "9fb629c4189551a2d022fa330f9573f3" },
      "t10k-labels-idx1-ubyte.gz": { md5: "ec29112dd5afa0611ce80d1b7f02629c" },
    },
  };

  /** Whether this is the training split. */
  readonly train: boolean;
  /** All pixels, uint8, `length * 28 * 28` bytes, image after image. Shape: `[N, 28, 28]`. */
  readonly images: Uint8Array;
  /** All labels, uint8 class indices. Shape: `[N]`. */
  readonly labels: Uint8Array;
  /** Number of examples (60,000 train / 10,000 test for the official files). */
  readonly length: number;
  /** Shape of one image as a tensor, channels first: `[1, 28, 28]`. */
  readonly imageShape: [number, number, number];
  /** The files this split was loaded from. */
  readonly files: {
    /** Path of the images file. */
    images: string;
    /** Path of the labels file. */
    labels: string;
  };
  /** The image transform from the options, if any. */
  readonly transform: TransformLike | undefined;

  /**
   * Loads one split synchronously.
   *
   * @throws {DataError} when the files are found nowhere (the message lists every directory
   *   tried and how to get the data), are malformed, disagree on the number of examples, or hold
   *   a label outside `classes`.
   */
  constructor(options: MNISTOptions = {}) {
    super();
    const cls = new.target as typeof MNIST;
    const name = cls.name;
    this.train = options.train ?? true;
    const split = this.train ? "train" : "test";
    const bases = FILES[split];
    const dirs = dataSearchDirs(cls.resources.dirName, options.root);
    const result = findDataFiles(dirs, bases);
    if (result.found === null) {
      throw new DataError(notFoundMessage(cls, split, bases, result.tried, options.root));
    }
    const [imagePath, labelPath] = result.found.paths as [string, string];
    const limit = { maxDecompressedBytes: options.maxDecompressedBytes };
    const images = readIdxFile(imagePath, { ndim: 3, ...limit });
    const labels = readIdxFile(labelPath, { ndim: 1, ...limit });
    const [count = 0, rows = 0, cols = 0] = images.dims;
    if (count !== labels.dims[0]) {
      throw new DataError(
        `${name}: ${imagePath} holds ${count} images but ${labelPath} holds ` +
          `${labels.dims[0]} labels; the files are from different datasets or splits`,
      );
    }
    const numClasses = cls.classes.length;
    const bad = labels.data.findIndex((label) => label >= numClasses);
    if (bad !== -1) {
      throw new DataError(
        `${name}: ${labelPath}: label ${labels.data[bad]} at index ${bad} is out of range ` +
          `for ${numClasses} classes`,
      );
    }
    this.images = images.data;
    this.labels = labels.data;
    this.length = count;
    this.imageShape = [1, rows, cols];
    this.files = { images: imagePath, labels: labelPath };
    this.transform = options.transform;
  }

  /** Class names indexed by label (the class's static `classes`). */
  get classes(): readonly string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  /**
   * Example `index` as a tensor: `[image, label]`, the image float32 in [0, 1] (`pixel / 255`)
   * with `transform` applied. Shape: image `[1, 28, 28]` (before the transform).
   *
   * @throws {IndexError} when `index` is not an integer in `[0, length)`.
   */
  get(index: number): [Tensor, number] {
    checkIndex(`${this.constructor.name}.get`, index, this.length);
    const image = uint8ImagesToTensor(this.images, this.imageShape, [index]).view(this.imageShape);
    const label = this.labels[index] ?? 0;
    return [this.transform === undefined ? image : applyTransform(this.transform, image), label];
  }

  /**
   * Examples `indices`, batched straight from the uint8 pixels (no tensor per example):
   * `[images, labels]`, equal to stacking `get(i)` for each index. A batched transform is applied
   * once to the whole batch, any other one image by image.
   *
   * Shape: images `[B, 1, 28, 28]` float32 (before the transform), labels `[B]` int32.
   *
   * @throws {IndexError} when an index is out of range.
   */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const op = `${this.constructor.name}.getBatch`;
    for (const index of indices) checkIndex(op, index, this.length);
    const images = uint8ImagesToTensor(this.images, this.imageShape, indices);
    const labels = fromTypedArray(Int32Array.from(indices, (i) => this.labels[i] ?? 0));
    const t = this.transform;
    if (t === undefined || isBatched(t)) {
      return [t === undefined ? images : applyTransform(t, images), labels];
    }
    const each = Array.from(indices, (_, b) => applyTransform(t, images.select(0, b)));
    return [stack(each, 0), labels];
  }

  /**
   * Example `index` as stored: a view of its uint8 pixels (no copy) and its label.
   *
   * @throws {IndexError} when `index` is not an integer in `[0, length)`.
   */
  raw(index: number): MNISTSample {
    checkIndex(`${this.constructor.name}.raw`, index, this.length);
    const pixels = this.imageShape[1] * this.imageShape[2];
    return {
      image: this.images.subarray(index * pixels, (index + 1) * pixels),
      label: this.labels[index] ?? 0,
    };
  }

  /**
   * Fetches the four official `.gz` files into `root` (default: the user cache directory,
   * `~/.cache/tsgrad/<dirName>`), verifies each one (MD5 of the `.gz` or SHA-256 of its content)
   * and writes it atomically. Files already present that verify are kept. Returns the directory.
   *
   * @throws {DataError} when offline or a file does not verify; nothing partial is left behind.
   */
  static async download(root?: string, options: DownloadOptions = {}): Promise<string> {
    const { dirName, mirrors, checksums, aptPackage } = this.resources;
    const dest = root ?? cacheDir(dirName);
    const apt = aptPackage === undefined ? "" : `sudo apt-get install ${aptPackage}, or `;
    await downloadFiles(
      {
        what: this.name,
        files: ALL_GZ,
        hint: `Offline? ${apt}copy ${ALL_GZ.join(", ")} into ${dest} by hand.`,
      },
      dest,
      options.mirrors ?? mirrors,
      options.checksums ?? checksums,
      options,
    );
    return dest;
  }
}

function notFoundMessage(
  cls: typeof MNIST,
  split: string,
  bases: readonly string[],
  tried: readonly string[],
  root: string | undefined,
): string {
  const { dirName, aptPackage } = cls.resources;
  const fixes = [
    ...(aptPackage === undefined
      ? []
      : [`sudo apt-get install ${aptPackage}   (installs into /usr/share/datasets/${dirName})`]),
    `set TSGRAD_DATA to a directory holding the files (or a ${dirName}/ subdirectory of it)`,
    `pass { root: "<dir>" } naming a directory that holds them`,
    `run \`await ${cls.name}.download(${root === undefined ? "" : JSON.stringify(root)})\` ` +
      `to fetch them into ${root ?? cacheDir(dirName)}`,
  ];
  return (
    `${cls.name} (${split} split): cannot find ${bases.map((b) => `${b}[.gz]`).join(" and ")}. ` +
    `Looked in:\n  ${tried.join("\n  ")}\nTo fix, do one of:\n  - ${fixes.join("\n  - ")}`
  );
}
