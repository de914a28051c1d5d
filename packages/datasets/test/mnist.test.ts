import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { FASHION_MNIST_CLASSES, IndexError, encodeIdx } from "../src/index.js";
import { FashionMNIST, MNIST, dataSearchDirs, findDataFiles } from "../src/node.js";
import { expectDataError, makeSplit, removeTempDirs, tempDir, writeSplit } from "./fixtures.js";

afterAll(removeTempDirs);
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("search path", () => {
  it("uses only <root> and <root>/<name> when a root is given", () => {
    expect(dataSearchDirs("fashion-mnist", "/r", { TSGRAD_DATA: "/d" })).toEqual([
      "/r",
      "/r/fashion-mnist",
    ]);
  });

  it("tries $TSGRAD_DATA, the XDG cache, then /usr/share/datasets", () => {
    const env = { TSGRAD_DATA: "/d", XDG_CACHE_HOME: "/c" };
    expect(dataSearchDirs("mnist", undefined, env)).toEqual([
      "/d",
      "/d/mnist",
      "/c/tsgrad/mnist",
      "/usr/share/datasets/mnist",
    ]);
  });

  it("falls back to ~/.cache when XDG_CACHE_HOME is unset or relative", () => {
    const expected = [join(homedir(), ".cache/tsgrad/mnist"), "/usr/share/datasets/mnist"];
    expect(dataSearchDirs("mnist", undefined, {})).toEqual(expected);
    expect(dataSearchDirs("mnist", undefined, { XDG_CACHE_HOME: "rel", TSGRAD_DATA: "" })).toEqual(
      expected,
    );
  });

  it("prefers raw over .gz and never mixes files across directories", () => {
    const a = tempDir();
    const b = tempDir();
    const split = makeSplit(2);
    writeSplit(a, "train", split, { images: false, labels: false });
    writeFileSync(join(a, "train-images-idx3-ubyte.gz"), "ignored");
    writeSplit(b, "train", split, { images: true, labels: true });
    const half = tempDir();
    writeFileSync(join(half, "train-images-idx3-ubyte"), split.images);
    const bases = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"];
    const result = findDataFiles([half, "/nonexistent-x", a, b], bases);
    expect(result.found?.dir).toBe(a);
    expect(result.found?.paths).toEqual(bases.map((base) => join(a, base)));
    const none = findDataFiles([half, "/nonexistent-x"], bases);
    expect(none.found).toBeNull();
    if (none.found === null) {
      expect(none.tried).toEqual([
        `${half} (lacks train-labels-idx1-ubyte[.gz])`,
        "/nonexistent-x (does not exist)",
      ]);
    }
  });
});

describe("MNIST / FashionMNIST from generated files", () => {
  it("loads the train split (raw files) with views into uint8 data", () => {
    const root = tempDir();
    const split = makeSplit(5);
    const files = writeSplit(root, "train", split);
    const ds = new MNIST({ root });
    expect(ds.train).toBe(true);
    expect(ds.length).toBe(5);
    expect(ds.imageShape).toEqual([1, 28, 28]);
    expect(ds.images).toEqual(split.pixels);
    expect(ds.labels).toEqual(split.classes);
    expect(ds.files).toEqual(files);
    expect(ds.classes).toBe(MNIST.classes);
    const sample = ds.raw(3);
    expect(sample.label).toBe(split.classes[3]);
    expect(sample.image).toEqual(split.pixels.subarray(3 * 784, 4 * 784));
    expect(sample.image.buffer).toBe(ds.images.buffer);
    const [image, label] = ds.get(3);
    expect(label).toBe(split.classes[3]);
    expect(image.shape).toEqual([1, 28, 28]);
    expect(image.dtype).toBe("float32");
    expect(Array.from(image.dataSync())).toEqual(
      Array.from(sample.image, (v) => Math.fround(v / 255)),
    );
  });

  it("loads the test split from gz files in <root>/fashion-mnist", () => {
    const root = tempDir();
    const split = makeSplit(4, { seed: 11 });
    writeSplit(join(root, "fashion-mnist"), "t10k", split, { images: true, labels: true });
    const ds = new FashionMNIST({ root, train: false });
    expect(ds.length).toBe(4);
    expect(ds.labels).toEqual(split.classes);
    expect(ds.classes).toEqual(FashionMNIST.classes);
    expect(FashionMNIST.classes[9]).toBe("Ankle boot");
    // the same list the browser-safe entry exports, frozen
    expect(FashionMNIST.classes).toBe(FASHION_MNIST_CLASSES);
    expect(Object.isFrozen(FASHION_MNIST_CLASSES)).toBe(true);
    expect(MNIST.classes[0]).toBe("0 - zero");
  });

  it("accepts a raw images file beside a gzipped labels file", () => {
    const root = tempDir();
    writeSplit(root, "train", makeSplit(3), { images: false, labels: true });
    expect(new FashionMNIST({ root }).length).toBe(3);
  });

  it("finds files through $TSGRAD_DATA/<name> when no root is given", () => {
    const data = tempDir();
    writeSplit(join(data, "mnist"), "train", makeSplit(2));
    vi.stubEnv("TSGRAD_DATA", data);
    expect(new MNIST().files.images).toBe(join(data, "mnist", "train-images-idx3-ubyte"));
  });

  it("keeps the image size from the file in imageShape, raw() and get()", () => {
    const root = tempDir();
    writeSplit(root, "train", makeSplit(2, { rows: 3, cols: 4 }));
    const ds = new MNIST({ root });
    expect(ds.imageShape).toEqual([1, 3, 4]);
    expect(ds.raw(1).image.length).toBe(12);
    expect(ds.get(1)[0].shape).toEqual([1, 3, 4]);
  });

  it("rejects bad indices in get() and raw()", () => {
    const root = tempDir();
    writeSplit(root, "train", makeSplit(2));
    const ds = new MNIST({ root });
    expect(() => ds.get(2)).toThrow(/MNIST\.get: index 2 is out of range for 2 items/);
    expect(() => ds.get(-1)).toThrow(IndexError);
    expect(() => ds.get(0.5)).toThrow(IndexError);
    expect(() => ds.raw(2)).toThrow(/MNIST\.raw: index 2 is out of range for 2 items/);
    expect(() => ds.raw(-1)).toThrow(IndexError);
  });

  it("rejects an image/label count mismatch, naming both files", () => {
    const root = tempDir();
    const files = writeSplit(root, "train", makeSplit(5, { m: 4 }), {
      images: true,
      labels: false,
    });
    const msg = expectDataError(() => new FashionMNIST({ root }), /holds 5 images but .* 4 labels/);
    expect(msg).toContain(files.images);
    expect(msg).toContain(files.labels);
  });

  it("rejects labels outside the class range", () => {
    const root = tempDir();
    const split = makeSplit(3);
    writeSplit(root, "train", {
      images: split.images,
      labels: encodeIdx([3], Uint8Array.of(1, 10, 2)),
    });
    expectDataError(
      () => new MNIST({ root }),
      /label 10 at index 1 is out of range for 10 classes/,
    );
  });

  it("rejects swapped files (labels where images belong) and malformed files by path", () => {
    const root = tempDir();
    const split = makeSplit(3);
    writeSplit(root, "train", { images: split.labels, labels: split.images });
    expectDataError(
      () => new MNIST({ root }),
      /train-images-idx3-ubyte: IDX magic 0x00000801 declares 1 dimension\(s\), expected 3/,
    );
    const cut = tempDir();
    writeSplit(cut, "train", { images: split.images.subarray(0, 100), labels: split.labels });
    expectDataError(() => new MNIST({ root: cut }), /train-images-idx3-ubyte: truncated IDX data/);
  });

  it("not found under an explicit root: lists the places tried and every fix", () => {
    const root = join(tempDir(), "missing");
    const msg = expectDataError(
      () => new FashionMNIST({ root }),
      /FashionMNIST \(train split\): cannot find train-images-idx3-ubyte\[\.gz\]/,
    );
    expect(msg).toContain(`${root} (does not exist)`);
    expect(msg).toContain(`${join(root, "fashion-mnist")} (does not exist)`);
    expect(msg).toContain("apt-get install dataset-fashion-mnist");
    expect(msg).toContain("TSGRAD_DATA");
    expect(msg).toContain('{ root: "<dir>" }');
    expect(msg).toContain(`await FashionMNIST.download(${JSON.stringify(root)})`);
  });

  it.runIf(!existsSync("/usr/share/datasets/mnist"))(
    "not found without a root: lists $TSGRAD_DATA, the cache and /usr/share/datasets",
    () => {
      const base = tempDir();
      const data = join(base, "data");
      mkdirSync(data);
      vi.stubEnv("TSGRAD_DATA", data);
      vi.stubEnv("XDG_CACHE_HOME", join(base, "cache"));
      const msg = expectDataError(() => new MNIST({ train: false }), /MNIST \(test split\)/);
      expect(msg).toContain(`${data} (has none of the files)`);
      expect(msg).toContain(`${join(data, "mnist")} (does not exist)`);
      expect(msg).toContain(`${join(base, "cache", "tsgrad", "mnist")} (does not exist)`);
      expect(msg).toContain("/usr/share/datasets/mnist (does not exist)");
      expect(msg).toContain("await MNIST.download()");
      expect(msg).not.toContain("apt-get"); // no Debian package for MNIST
    },
  );
});

const DEBIAN = "/usr/share/datasets/fashion-mnist";
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe.runIf(existsSync(join(DEBIAN, "train-images-idx3-ubyte.gz")))(
  "the real Fashion-MNIST from Debian's dataset-fashion-mnist",
  () => {
    it("is found by default, has 60000 train images and 6000 of each class", () => {
      vi.stubEnv("TSGRAD_DATA", "");
      vi.stubEnv("XDG_CACHE_HOME", join(tempDir(), "empty-cache"));
      const train = new FashionMNIST();
      expect(train.files.images).toBe(join(DEBIAN, "train-images-idx3-ubyte.gz"));
      expect(train.length).toBe(60000);
      expect(train.images.length).toBe(60000 * 784);
      expect(train.imageShape).toEqual([1, 28, 28]);
      const histogram = new Array<number>(10).fill(0);
      for (const label of train.labels) histogram[label] = (histogram[label] ?? 0) + 1;
      expect(histogram).toEqual(new Array<number>(10).fill(6000));
    });

    it("has 10000 test images, 1000 of each class", () => {
      const test = new FashionMNIST({ root: DEBIAN, train: false });
      expect(test.length).toBe(10000);
      const histogram = new Array<number>(10).fill(0);
      for (const label of test.labels) histogram[label] = (histogram[label] ?? 0) + 1;
      expect(histogram).toEqual(new Array<number>(10).fill(1000));
    });

    it("decompresses to the official content (SHA-256 from the notes) and parses it all", () => {
      for (const split of [true, false]) {
        const ds = new FashionMNIST({ root: DEBIAN, train: split });
        for (const [kind, data] of [
          ["images", ds.images],
          ["labels", ds.labels],
        ] as const) {
          const path = ds.files[kind];
          const content = gunzipSync(readFileSync(path));
          const name = path.slice(DEBIAN.length + 1);
          const official = FashionMNIST.resources.checksums[name]?.sha256;
          expect(official, name).toBeDefined();
          expect(sha256(content), name).toBe(official);
          expect(Buffer.compare(content.subarray(content.length - data.length), data)).toBe(0);
        }
      }
    });
  },
);
