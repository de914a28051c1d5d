import { DTypeError, ShapeError, Tensor, ValueError, tensor } from "@tsgrad/core";
import { afterAll, describe, expect, it } from "vitest";
import { Compose, DataLoader, Normalize } from "../src/index.js";
import { MNIST } from "../src/node.js";
import { makeSplit, removeTempDirs, tempDir, writeSplit } from "./fixtures.js";

afterAll(removeTempDirs);

const values = (t: Tensor): number[] => Array.from(t.dataSync());
/** PyTorch's float32 `(x − mean) / std`, one rounding per operation. */
const f32norm = (x: number, mean: number, std: number): number =>
  Math.fround(Math.fround(x - Math.fround(mean)) / Math.fround(std));

describe("Normalize", () => {
  it("normalizes each channel of an image and of a batch", () => {
    const image = tensor([[[0, 1]], [[2, 3]], [[4, 5]]]); // [3, 1, 2]
    const normalize = new Normalize([1, 2, 3], [0.5, 2, 4]);
    expect(values(normalize.forward(image))).toEqual([-2, 0, 0, 0.5, 0.25, 0.5]);
    const batch = tensor([
      [[[0.1]], [[0.2]], [[0.3]]],
      [[[0.7]], [[0.8]], [[0.9]]],
    ]); // [2, 3, 1, 1]
    const got = normalize.forward(batch);
    expect(got.shape).toEqual([2, 3, 1, 1]);
    const x = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9].map(Math.fround);
    const m = [1, 2, 3, 1, 2, 3];
    const s = [0.5, 2, 4, 0.5, 2, 4];
    expect(values(got)).toEqual(x.map((v, i) => f32norm(v, m[i] ?? 0, s[i] ?? 1)));
    expect(values(batch)).toEqual(x); // the input is untouched
  });

  it("broadcasts a single mean/std over all channels and keeps float64", () => {
    const x = tensor([[[0.3, 0.9]], [[0.1, 0.5]]], { dtype: "float64" });
    const y = new Normalize(0.5, 0.25).forward(x);
    expect(y.dtype).toBe("float64");
    expect(values(y)).toEqual([0.3, 0.9, 0.1, 0.5].map((v) => (v - 0.5) / 0.25));
    expect(new Normalize([0.5], 0.25).batched).toBe(true);
  });

  it("rejects bad parameters and inputs with typed errors", () => {
    expect(() => new Normalize([0.5, 0.5], [1, 1, 1])).toThrow(
      "Normalize: mean and std need one value per channel, got mean [0.5, 0.5], std [1, 1, 1]",
    );
    expect(() => new Normalize([], [])).toThrow(ValueError);
    expect(() => new Normalize(0.5, 0)).toThrow("Normalize: std must be non-zero (it divides)");
    expect(() => new Normalize(Number.NaN, 1)).toThrow(ValueError);
    const n = new Normalize([0.1, 0.2], [1, 1]);
    expect(() => n.forward(tensor([[[0.5]]]))).toThrow(
      "Normalize: input [1, 1, 1] has 1 channel(s) (dimension -3) but mean/std have 2 values",
    );
    expect(() => n.forward(tensor([0.5, 0.5]))).toThrow(ShapeError);
    expect(() => n.forward(tensor(Int32Array.of(1, 2), { shape: [2, 1, 1] }))).toThrow(DTypeError);
  });
});

describe("Compose", () => {
  it("applies transforms in order and is batched only when every part is", () => {
    const double = (x: Tensor): Tensor => x.mul(2);
    const c = new Compose([new Normalize(1, 2), double]);
    expect(values(c.forward(tensor([[[3, 5]]])))).toEqual([2, 4]); // ((x − 1) / 2) · 2
    expect(values(new Compose([double, new Normalize(1, 2)]).forward(tensor([[[3]]])))).toEqual([
      2.5,
    ]);
    expect(c.batched).toBe(false);
    expect(new Compose([new Normalize(1, 2), new Normalize(0, 3)]).batched).toBe(true);
    expect(new Compose([]).forward(tensor([[[7]]])).item()).toBe(7);
  });
});

describe("MNIST with a transform", () => {
  const root = tempDir();
  const split = makeSplit(5, { seed: 4 });
  writeSplit(root, "train", split);

  it("applies a batched transform once per batch in the loader, equal to get(i)", () => {
    const ds = new MNIST({ root, transform: new Normalize(0.3, 0.4) });
    const [images, labels] = Array.from(new DataLoader(ds, { batchSize: 5 }))[0] ?? [];
    expect(images?.shape).toEqual([5, 1, 28, 28]);
    expect(values(labels ?? tensor([]))).toEqual(Array.from(split.classes));
    const want = Array.from(split.pixels, (p) => f32norm(Math.fround(p / 255), 0.3, 0.4));
    expect(values(images ?? tensor([]))).toEqual(want);
    const [image] = ds.get(3);
    expect(values(image)).toEqual(want.slice(3 * 784, 4 * 784));
  });

  it("applies a non-batched transform image by image inside getBatch", () => {
    const shapes: number[][] = [];
    const ds = new MNIST({
      root,
      transform: (x: Tensor) => {
        shapes.push([...x.shape]);
        return x.sum(0, true).add(1);
      },
    });
    const [images] = ds.getBatch(Int32Array.of(2, 0, 1));
    expect(shapes).toEqual([
      [1, 28, 28],
      [1, 28, 28],
      [1, 28, 28],
    ]);
    expect(images.shape).toEqual([3, 1, 28, 28]);
    const pixels = split.pixels.subarray(2 * 784, 3 * 784);
    expect(values(images.select(0, 0))).toEqual(
      Array.from(pixels, (p) => Math.fround(Math.fround(p / 255) + 1)),
    );
  });
});
