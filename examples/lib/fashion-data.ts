/**
 * Fashion-MNIST for the training example: found (or reported missing in one line) before
 * anything else happens, then cut to `--limit` / `--test-limit` images.
 */
import type { Tensor } from "@tsgrad/core";
import { Subset, type DatasetLike } from "@tsgrad/datasets";
import { FashionMNIST, dataSearchDirs, findDataFiles } from "@tsgrad/datasets/node";
import { RunError, UsageError } from "./cli.js";

/** An image and its label. */
export type Sample = [Tensor, number];

/** The train and test sets of a run. */
export interface FashionData {
  train: DatasetLike<Sample>;
  test: DatasetLike<Sample>;
}

function firstN(ds: DatasetLike<Sample>, n: number | null, flag: string): DatasetLike<Sample> {
  if (n === null) return ds;
  if (n > ds.length) {
    const split = flag === "limit" ? "training" : "test";
    throw new UsageError(
      `--${flag}: expected an integer from 1 to ${ds.length} (the ${split} images there are), got ${n}`,
    );
  }
  return new Subset(
    ds,
    Array.from({ length: n }, (_, i) => i),
  );
}

/**
 * The folder holding Fashion-MNIST's four files: `root`, or the usual places when `undefined`.
 * `RunError` in one line, naming every place looked in, when they are nowhere.
 */
export function locateFashionMNIST(root: string | undefined): string {
  const { dirName, aptPackage } = FashionMNIST.resources;
  const bases = Object.keys(FashionMNIST.resources.checksums).map((f) => f.replace(/\.gz$/, ""));
  const dirs = dataSearchDirs(dirName, root);
  const found = findDataFiles(dirs, bases);
  if (found.found === null) {
    const where = root === undefined ? "" : ` under --data ${root}`;
    throw new RunError(
      `Fashion-MNIST not found${where} (looked in ${found.tried.join("; ")}); install it with ` +
        `"sudo apt-get install ${aptPackage}", or point --data at a folder holding its four files`,
    );
  }
  return found.found.dir;
}

/**
 * Loads Fashion-MNIST from `root` (or the usual places when `undefined`). `RunError` in one line
 * when the files are nowhere; `UsageError` when a limit exceeds a split's size.
 */
export function loadFashionMNIST(
  root: string | undefined,
  limit: number | null,
  testLimit: number | null,
): FashionData {
  const dir = locateFashionMNIST(root);
  const train = new FashionMNIST({ root: dir, train: true });
  const test = new FashionMNIST({ root: dir, train: false });
  return { train: firstN(train, limit, "limit"), test: firstN(test, testLimit, "test-limit") };
}

/** The 10,000 test images alone (for the examples that only look at a few of them). */
export function loadFashionTest(root: string | undefined): FashionMNIST {
  return new FashionMNIST({ root: locateFashionMNIST(root), train: false });
}
