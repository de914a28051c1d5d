import { existsSync } from "node:fs";
import { Generator, Tensor, ValueError, manualSeed, randperm } from "@tsgrad/core";
import { afterAll, describe, expect, it } from "vitest";
import { DataLoader, Dataset, Normalize } from "../src/index.js";
import { FashionMNIST, MNIST } from "../src/node.js";
import { makeSplit, removeTempDirs, tempDir, writeSplit } from "./fixtures.js";

afterAll(removeTempDirs);

/** A generated MNIST-format training split of `n` 28×28 images in a fresh directory. */
function smallMnist(n: number, seed = 3): { ds: MNIST; pixels: Uint8Array; classes: Uint8Array } {
  const root = tempDir();
  const split = makeSplit(n, { seed });
  writeSplit(root, "train", split);
  return { ds: new MNIST({ root }), pixels: split.pixels, classes: split.classes };
}

/** A dataset whose item `i` is the number `i` (no `getBatch`: the generic path). */
class Indices extends Dataset<number> {
  constructor(readonly length: number) {
    super();
  }
  get(index: number): number {
    return index;
  }
}

/** The index order of one epoch of `loader` over an {@link Indices} dataset. */
function epochOrder(loader: DataLoader<number>): number[] {
  const order: number[] = [];
  for (const batch of loader) {
    expect(batch.dtype).toBe("int32");
    order.push(...Array.from(batch.dataSync()));
  }
  return order;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

describe("DataLoader over MNIST (batched fast path)", () => {
  it("yields float32 [B, 1, 28, 28] images equal to pixel / 255 and int32 labels, in order", () => {
    const { ds, pixels, classes } = smallMnist(10);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const sizes: number[] = [];
    let seen = 0;
    for (const [images, labels] of loader) {
      const b = images.shape[0] ?? 0;
      sizes.push(b);
      expect(images.shape).toEqual([b, 1, 28, 28]);
      expect(images.dtype).toBe("float32");
      expect(labels.shape).toEqual([b]);
      expect(labels.dtype).toBe("int32");
      const got = images.dataSync();
      const want = pixels.subarray(seen * 784, (seen + b) * 784);
      expect(Array.from(got)).toEqual(Array.from(want, (v) => Math.fround(v / 255)));
      expect(Math.min(...got)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...got)).toBeLessThanOrEqual(1);
      expect(Array.from(labels.dataSync())).toEqual(Array.from(classes.subarray(seen, seen + b)));
      seen += b;
    }
    expect(sizes).toEqual([4, 4, 2]); // the last batch is partial
    expect(seen).toBe(10);
  });

  it("matches stacking get(i) item by item", () => {
    const { ds } = smallMnist(5);
    const [images, labels] = ds.getBatch(Int32Array.of(4, 0, 2));
    [4, 0, 2].forEach((index, b) => {
      const [image, label] = ds.get(index);
      expect(Array.from(images.select(0, b).dataSync())).toEqual(Array.from(image.dataSync()));
      expect(labels.select(0, b).item()).toBe(label);
    });
  });

  it("dropLast drops the partial batch and counts only full batches", () => {
    const { ds } = smallMnist(10);
    const loader = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    const sizes = Array.from(loader, ([images]) => images.shape[0]);
    expect(sizes).toEqual([4, 4]);
    expect(new DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new DataLoader(ds, { batchSize: 11, dropLast: true }).length).toBe(0);
    expect(Array.from(new DataLoader(ds, { batchSize: 11, dropLast: true }))).toEqual([]);
    expect(new DataLoader(ds).length).toBe(10); // batchSize defaults to 1
  });

  it("shuffles with randperm drawn from the given generator", () => {
    const { ds } = smallMnist(12);
    const loader = new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(9) });
    const order = randperm(12, { generator: new Generator(9) }).data as Int32Array;
    let at = 0;
    for (const [images, labels] of loader) {
      const b = images.shape[0] ?? 0;
      const [wantImages, wantLabels] = ds.getBatch(order.slice(at, at + b));
      expect(Array.from(images.dataSync())).toEqual(Array.from(wantImages.dataSync()));
      expect(Array.from(labels.dataSync())).toEqual(Array.from(wantLabels.dataSync()));
      at += b;
    }
    expect(at).toBe(12);
  });

  it("applies a loader transform to the images of each batch, once per batch", () => {
    const { ds } = smallMnist(6);
    let calls = 0;
    const loader = new DataLoader(ds, {
      batchSize: 4,
      transform: (x: Tensor) => {
        calls++;
        return x.mul(2);
      },
    });
    const batches = Array.from(loader);
    expect(calls).toBe(2);
    const [images, labels] = batches[0] ?? [];
    const [plain, plainLabels] = ds.getBatch(Int32Array.of(0, 1, 2, 3));
    expect(Array.from(images?.dataSync() ?? [])).toEqual(Array.from(plain.mul(2).dataSync()));
    expect(Array.from(labels?.dataSync() ?? [])).toEqual(Array.from(plainLabels.dataSync()));
  });

  it("rejects a batchSize that is not a positive integer with a ValueError", () => {
    const { ds } = smallMnist(2);
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => new DataLoader(ds, { batchSize })).toThrow(ValueError);
    }
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(
      "DataLoader: batchSize must be a positive integer, got 0",
    );
  });
});

describe("shuffling", () => {
  it("covers every index exactly once per epoch, for full and partial last batches", () => {
    for (const [n, batchSize] of [
      [20, 4],
      [23, 4],
      [7, 10],
      [1, 1],
    ] as const) {
      const loader = new DataLoader(new Indices(n), { batchSize, shuffle: true });
      for (let epoch = 0; epoch < 3; epoch++) expect(sorted(epochOrder(loader))).toEqual(range(n));
    }
    expect(epochOrder(new DataLoader(new Indices(0), { batchSize: 3, shuffle: true }))).toEqual([]);
  });

  it("without shuffle, visits the items in index order every epoch", () => {
    const loader = new DataLoader(new Indices(9), { batchSize: 2 });
    expect(epochOrder(loader)).toEqual(range(9));
    expect(epochOrder(loader)).toEqual(range(9));
  });

  it("is reproducible by seed and draws a new order each epoch", () => {
    const make = (seed: number): DataLoader<number> =>
      new DataLoader(new Indices(50), {
        batchSize: 8,
        shuffle: true,
        generator: new Generator(seed),
      });
    const a = make(1);
    const b = make(1);
    const a1 = epochOrder(a);
    const a2 = epochOrder(a);
    expect(epochOrder(b)).toEqual(a1);
    expect(epochOrder(b)).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(a1).not.toEqual(range(50));
    expect(epochOrder(make(2))).not.toEqual(a1);
  });

  it("resumes: restoring the generator state reproduces the next epoch's order", () => {
    const generator = new Generator(5);
    const loader = new DataLoader(new Indices(30), { batchSize: 7, shuffle: true, generator });
    epochOrder(loader);
    const saved = generator.getState();
    const second = epochOrder(loader);
    const third = epochOrder(loader);
    const restored = new Generator();
    restored.setState(saved);
    const resumed = new DataLoader(new Indices(30), {
      batchSize: 7,
      shuffle: true,
      generator: restored,
    });
    expect(epochOrder(resumed)).toEqual(second);
    expect(epochOrder(resumed)).toEqual(third);
  });

  it("draws the permutation when the iteration starts, from the default generator by default", () => {
    const loader = new DataLoader(new Indices(40), { batchSize: 40, shuffle: true });
    manualSeed(3);
    const iterator = loader[Symbol.iterator]();
    manualSeed(99); // reseeding after the epoch started does not change its order
    const step = iterator.next();
    const first = step.done === true ? [] : Array.from(step.value.dataSync());
    manualSeed(3);
    expect(epochOrder(loader)).toEqual(first);
    expect(sorted(first)).toEqual(range(40));
  });
});

const DEBIAN = "/usr/share/datasets/fashion-mnist";

describe.runIf(existsSync(`${DEBIAN}/train-images-idx3-ubyte.gz`))(
  "DataLoader over the real Fashion-MNIST",
  () => {
    it("one shuffled epoch at batch 100: 600 batches, every example once, values in [0, 1]", () => {
      const train = new FashionMNIST({ root: DEBIAN });
      const loader = new DataLoader(train, {
        batchSize: 100,
        shuffle: true,
        generator: new Generator(0),
      });
      expect(loader.length).toBe(600);
      const histogram = new Array<number>(10).fill(0);
      let batches = 0;
      let pixelSum = 0;
      for (const [images, labels] of loader) {
        expect(images.shape).toEqual([100, 1, 28, 28]);
        expect(labels.shape).toEqual([100]);
        for (const label of labels.dataSync()) histogram[label] = (histogram[label] ?? 0) + 1;
        const data = images.dataSync();
        for (let i = 0; i < data.length; i++) pixelSum += data[i] ?? 0;
        if (batches === 0) {
          expect(images.min().item()).toBe(0);
          expect(images.max().item()).toBe(1);
        }
        batches++;
      }
      expect(batches).toBe(600);
      expect(histogram).toEqual(new Array<number>(10).fill(6000));
      let byteSum = 0;
      for (let i = 0; i < train.images.length; i++) byteSum += train.images[i] ?? 0;
      expect(pixelSum).toBeCloseTo(byteSum / 255, 0);
    });

    it("Normalize with Fashion-MNIST's mean and std gives mean ≈ 0 and std ≈ 1", () => {
      const train = new FashionMNIST({ root: DEBIAN, transform: new Normalize(0.286, 0.353) });
      let sum = 0;
      let sumSq = 0;
      for (const [images] of new DataLoader(train, { batchSize: 1000 })) {
        const data = images.dataSync();
        for (let i = 0; i < data.length; i++) {
          const v = data[i] ?? 0;
          sum += v;
          sumSq += v * v;
        }
      }
      const n = 60000 * 784;
      expect(sum / n).toBeCloseTo(0, 3);
      expect(Math.sqrt(sumSq / n - (sum / n) ** 2)).toBeCloseTo(1, 2);
    });
  },
);
