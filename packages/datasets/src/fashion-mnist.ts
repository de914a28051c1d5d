import { FASHION_MNIST_CLASSES } from "./class-names.js";
import { MNIST, type MNISTResources } from "./mnist.js";

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale images of clothing in
 * 10 classes, a drop-in replacement for {@link MNIST} with the same file names and format.
 * Debian's `dataset-fashion-mnist` package installs it where this class looks by default.
 *
 * Shape: `images` is `[N, 28, 28]` flattened (`N * 784` bytes); `labels` is `[N]`; `get(i)` gives
 * `[image [1, 28, 28], label]`.
 *
 * @example
 * ```ts
 * const test = new FashionMNIST({ train: false });
 * const [image, label] = test.get(0); // image: float32 [1, 28, 28] in [0, 1]
 * console.log(test.length, FashionMNIST.classes[label]); // 10000 "Ankle boot"
 * ```
 */
export class FashionMNIST extends MNIST {
  /** Class names indexed by label. */
  static override readonly classes: readonly string[] = FASHION_MNIST_CLASSES;

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
