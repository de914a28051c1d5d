import {
  Generator,
  IndexError,
  ShapeError,
  Tensor,
  ValueError,
  arange,
  randn,
  tensor,
} from "@tsgrad/core";
import { afterAll, describe, expect, it } from "vitest";
import { DataLoader, Dataset, Subset, TensorDataset, collate, randomSplit } from "../src/index.js";
import { MNIST } from "../src/node.js";
import { makeSplit, removeTempDirs, tempDir, writeSplit } from "./fixtures.js";

afterAll(removeTempDirs);

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Item `i` is `[x[i], y[i]]` with `y[i]` a JS number: exercises the generic (collate) path. */
class Pairs extends Dataset<[Tensor, number]> {
  constructor(
    readonly x: Tensor,
    readonly y: readonly number[],
  ) {
    super();
  }
  get length(): number {
    return this.y.length;
  }
  get(index: number): [Tensor, number] {
    return [this.x.select(0, index), this.y[index] ?? -1];
  }
}

describe("TensorDataset and the generic path", () => {
  const x = randn([7, 2, 3], { generator: new Generator(1) });
  const y = tensor(Int32Array.of(6, 5, 4, 3, 2, 1, 0));

  it("gets items as views and batches with indexSelect", () => {
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(7);
    const [xi, yi] = ds.get(2);
    expect(xi.shape).toEqual([2, 3]);
    expect(values(xi)).toEqual(values(x.select(0, 2)));
    expect(yi.item()).toBe(4);
    const [xb, yb] = ds.getBatch(Int32Array.of(6, 0, 6));
    expect(xb.shape).toEqual([3, 2, 3]);
    expect(values(xb)).toEqual([
      ...values(x.select(0, 6)),
      ...values(x.select(0, 0)),
      ...values(x.select(0, 6)),
    ]);
    expect(values(yb)).toEqual([0, 6, 0]);
    expect(yb.dtype).toBe("int32");
  });

  it("a loader over TensorDataset equals one over the same data through collate", () => {
    const fast = new DataLoader(new TensorDataset(x, y), {
      batchSize: 3,
      shuffle: true,
      generator: new Generator(4),
    });
    const slow = new DataLoader(new Pairs(x, values(y)), {
      batchSize: 3,
      shuffle: true,
      generator: new Generator(4),
    });
    const a = Array.from(fast);
    const b = Array.from(slow);
    expect(a.map(([xb]) => xb.shape)).toEqual([
      [3, 2, 3],
      [3, 2, 3],
      [1, 2, 3],
    ]);
    expect(b.length).toBe(3);
    a.forEach(([xa, ya], i) => {
      const [xb, yb] = b[i] ?? [];
      expect(xb?.shape).toEqual(xa.shape);
      expect(values(xb ?? xa.neg())).toEqual(values(xa));
      expect(yb?.dtype).toBe("int32");
      expect(values(yb ?? ya.neg())).toEqual(values(ya));
    });
  });

  it("rejects no tensors, 0-d tensors and mismatched lengths; bad indices", () => {
    expect(() => new TensorDataset()).toThrow(ValueError);
    expect(() => new TensorDataset(x, arange(6))).toThrow(
      "TensorDataset: tensors must have the same size in dimension 0 (the items), got [7, 2, 3], [6]",
    );
    expect(() => new TensorDataset(tensor(3))).toThrow(ShapeError);
    const ds = new TensorDataset(x, y);
    expect(() => ds.get(7)).toThrow("TensorDataset.get: index 7 is out of range for 7 items");
    expect(() => ds.getBatch(Int32Array.of(0, 7))).toThrow(IndexError);
  });
});

describe("collate", () => {
  it("stacks tensors, batches numbers (int32 or float32), tuples and objects", () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const stacked = collate([a, b]);
    expect(stacked.shape).toEqual([2, 2]);
    expect(values(stacked)).toEqual([1, 2, 3, 4]);
    expect(collate([1, 2, 3]).dtype).toBe("int32");
    const floats = collate([1, 2.5]);
    expect(floats.dtype).toBe("float32");
    expect(values(floats)).toEqual([1, 2.5]);
    expect(collate([true, false]).dtype).toBe("bool");
    const [xs, ys] = collate([
      [a, 0],
      [b, 1],
    ] as [Tensor, number][]);
    expect(xs.shape).toEqual([2, 2]);
    expect(values(ys)).toEqual([0, 1]);
    const record = collate([
      { x: a, y: 7 },
      { x: b, y: 8 },
    ]);
    expect(values(record.x)).toEqual([1, 2, 3, 4]);
    expect(values(record.y)).toEqual([7, 8]);
  });

  it("names what cannot be batched", () => {
    expect(() => collate([])).toThrow("collate: expected at least one item");
    expect(() => collate<unknown>([tensor([1]), 2])).toThrow(
      "collate: item 0 is a tensor but item 1 is a number",
    );
    expect(() => collate<unknown>([[1, 2], [3]])).toThrow(
      "collate: item 0 has 2 elements but item 1 has 1",
    );
    expect(() => collate<unknown>([{ k: "a" }, { k: "b" }])).toThrow(
      'collate: cannot batch a string (key "k" of item 0)',
    );
    expect(() => collate([tensor([1]), tensor([1, 2])])).toThrow(ShapeError);
  });
});

describe("Subset and randomSplit", () => {
  const ds = new TensorDataset(arange(10));
  const items = (d: Dataset<Tensor[]>): number[] =>
    Array.from({ length: d.length }, (_, i) => d.get(i)[0]?.item() ?? -1);

  it("Subset maps indices, in order, through the wrapped dataset's fast path", () => {
    const sub = new Subset(ds, [9, 2, 2, 5]);
    expect(sub.length).toBe(4);
    expect(items(sub)).toEqual([9, 2, 2, 5]);
    const [batch] = sub.getBatch(Int32Array.of(3, 0));
    expect(values(batch ?? tensor([]))).toEqual([5, 9]);
    expect(() => new Subset(ds, [3, 10])).toThrow(
      "Subset: indices[1]: index 10 is out of range for 10 items",
    );
    expect(() => sub.get(4)).toThrow(IndexError);
  });

  it("a Subset of MNIST batches through MNIST's fast path", () => {
    const root = tempDir();
    writeSplit(root, "train", makeSplit(6, { seed: 2 }));
    const mnist = new MNIST({ root });
    const [images, labels] =
      Array.from(new DataLoader(new Subset(mnist, [5, 1]), { batchSize: 2 }))[0] ?? [];
    const [want, wantLabels] = mnist.getBatch(Int32Array.of(5, 1));
    expect(values(images ?? tensor([]))).toEqual(values(want));
    expect(values(labels ?? tensor([]))).toEqual(values(wantLabels));
  });

  it("randomSplit partitions the items, reproducibly by seed, by counts or fractions", () => {
    const split = (lengths: number[], seed: number): number[][] =>
      randomSplit(ds, lengths, { generator: new Generator(seed) }).map(items);
    const [a, b] = split([7, 3], 11);
    expect(a?.length).toBe(7);
    expect(b?.length).toBe(3);
    expect([...(a ?? []), ...(b ?? [])].sort((p, q) => p - q)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(split([7, 3], 11)).toEqual([a, b]);
    expect(split([7, 3], 12)).not.toEqual([a, b]);
    expect(split([0.5, 0.3, 0.2], 1).map((s) => s.length)).toEqual([5, 3, 2]);
    expect(split([1 / 3, 1 / 3, 1 / 3], 1).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(() => randomSplit(ds, [5, 4])).toThrow(ValueError);
    expect(() => randomSplit(ds, [11, -1])).toThrow(
      "randomSplit: lengths [11, -1] must be non-negative integers summing to the dataset's 10 items, or fractions summing to 1",
    );
  });
});
