import { DataError, IndexError } from "./errors.js";
import { downloadFiles, type DownloadOptions, type FileChecksum } from "./download.js";
import { readIdxFile } from "./idx.js";
import { cacheDir, dataSearchDirs, findDataFiles } from "./locate.js";

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
}

/** One example: a view of its pixels and its class index. */
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
 * {@link dataSearchDirs}); pixels stay uint8 in memory (47 MB for the training split).
 *
 * Shape: `images` is `[N, 28, 28]` flattened (`N * 784` bytes); `labels` is `[N]`.
 *
 * @example
 * ```ts
 * await MNIST.download(); // once, into ~/.cache/tsgrad/mnist
 * const train = new MNIST({ train: true });
 * const { image, label } = train.get(0);
 * ```
 */
export class MNIST {
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
  readonly files: { images: string; labels: string };

  /**
   * Loads one split synchronously.
   *
   * @throws {DataError} when the files are found nowhere (the message lists every directory
   *   tried and how to get the data), are malformed, disagree on the number of examples, or hold
   *   a label outside `classes`.
   */
  constructor(options: MNISTOptions = {}) {
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
  }

  /** Class names indexed by label (the class's static `classes`). */
  get classes(): readonly string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  /**
   * Example `index`: a view of its pixels (no copy) and its label.
   *
   * @throws {IndexError} when `index` is not an integer in `[0, length)`.
   */
  get(index: number): MNISTSample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new IndexError(
        `${this.constructor.name}.get: index ${index} is out of range for ${this.length} examples`,
      );
    }
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

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale images of clothing in
 * 10 classes, a drop-in replacement for {@link MNIST} with the same file names and format.
 * Debian's `dataset-fashion-mnist` package installs it where this class looks by default.
 *
 * Shape: `images` is `[N, 28, 28]` flattened (`N * 784` bytes); `labels` is `[N]`.
 *
 * @example
 * ```ts
 * const test = new FashionMNIST({ train: false });
 * console.log(test.length, FashionMNIST.classes[test.get(0).label]); // 10000 "Ankle boot"
 * ```
 */
export class FashionMNIST extends MNIST {
  /** Class names indexed by label. */
  static override readonly classes: readonly string[] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ];

  /** Where the dataset lives and how to fetch and verify it (MD5s and content SHA-256s). */
  static override readonly resources: MNISTResources = {
    dirName: "fashion-mnist",
    mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
    checksums: {
      "train-images-idx3-ubyte.gz": {
        md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      },
      "train-labels-idx1-ubyte.gz": {
        md5: "25c81989df183df01b3e8a0aad5dffbe",
        sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      },
      "t10k-images-idx3-ubyte.gz": {
        md5: "bef4ecab320f06d8554ea6380940ec79",
        sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      },
      "t10k-labels-idx1-ubyte.gz": {
        md5: "bb300cfdad3c16e7a12a480ee83cd310",
        sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
      },
    },
    aptPackage: "dataset-fashion-mnist",
  };
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
