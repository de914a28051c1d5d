import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { manualSeed, noGrad, type Tensor } from "@tsgrad/core";
import { parseSafetensors, serializeSafetensors } from "@tsgrad/nn";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";
import { ConvNet1, closeness, fixture, fixtureInputs, fixturePath } from "./convnet1.js";

// PyTorch 1.13's `model.state_dict()` for the article's ConvNet1, printed by
// scripts/fixtures/nn_interop.py: key, shape, dtype (int64 is held as int32 in tsgrad).
const PYTORCH_STATE_DICT: [string, number[], string][] = [
  ["conv1.weight", [16, 1, 5, 5], "float32"],
  ["conv1.bias", [16], "float32"],
  ["batch1.weight", [16], "float32"],
  ["batch1.bias", [16], "float32"],
  ["batch1.running_mean", [16], "float32"],
  ["batch1.running_var", [16], "float32"],
  ["batch1.num_batches_tracked", [], "int64"],
  ["conv2.weight", [32, 16, 5, 5], "float32"],
  ["conv2.bias", [32], "float32"],
  ["batch2.weight", [32], "float32"],
  ["batch2.bias", [32], "float32"],
  ["batch2.running_mean", [32], "float32"],
  ["batch2.running_var", [32], "float32"],
  ["batch2.num_batches_tracked", [], "int64"],
  ["fc.weight", [10, 1568], "float32"],
  ["fc.bias", [10], "float32"],
];

const RTOL = 1e-5;
const ATOL = 1e-5;

function loadPytorchModel(): ConvNet1 {
  const model = new ConvNet1();
  model.loadStateDict(loadSafetensors(fixturePath("convnet1.safetensors")).tensors);
  return model;
}

const flat = (rows: number[][]): number[] => rows.flat();

describe("ConvNet1 (acceptance 1)", () => {
  test("has 29,034 trainable parameters", () => {
    const n = new ConvNet1()
      .parameters()
      .filter((p) => p.requiresGrad)
      .reduce((s, p) => s + p.numel(), 0);
    expect(n).toBe(29034);
    expect(n).toBe(fixture.trainableParameters);
  });

  test("stateDict() keys, order and shapes are PyTorch's", () => {
    const sd = new ConvNet1().stateDict();
    const ours = Object.entries(sd).map(([k, t]) => [k, [...t.shape], t.dtype]);
    const torchTypes = PYTORCH_STATE_DICT.map(([k, s, d]) => [k, s, d === "int64" ? "int32" : d]);
    expect(ours).toEqual(torchTypes);
    expect(PYTORCH_STATE_DICT).toEqual(fixture.stateDict);
  });

  test("prints like PyTorch's repr(model)", () => {
    expect(new ConvNet1().toString()).toBe(fixture.reprs["ConvNet1()"]);
  });
});

describe("PyTorch weights in tsgrad (acceptance 2)", () => {
  test("the fixture file holds PyTorch's dtypes (num_batches_tracked as I64)", () => {
    const file = loadSafetensors(fixturePath("convnet1.safetensors"));
    expect(file.dtypes["batch1.num_batches_tracked"]).toBe("I64");
    expect(file.dtypes["fc.weight"]).toBe("F32");
    expect(file.metadata).toEqual({ format: "pt", source: "scripts/fixtures/nn_interop.py" });
  });

  test("loaded weights reproduce PyTorch's eval-mode logits", () => {
    const model = loadPytorchModel().eval();
    expect(model.batch2.numBatchesTracked?.item()).toBe(8);
    const logits = noGrad(() => model.forward(fixtureInputs()));
    expect(logits.shape).toEqual([4, 10]);
    expect(closeness(logits, flat(fixture.logits), RTOL, ATOL)).toBeLessThanOrEqual(0);
  });

  test("a train-mode forward matches PyTorch's logits and BatchNorm buffer updates", () => {
    const model = loadPytorchModel().train();
    const logits = noGrad(() => model.forward(fixtureInputs()));
    expect(
      closeness(logits, flat(fixture.train.logits as number[][]), RTOL, ATOL),
    ).toBeLessThanOrEqual(0);
    const sd = model.stateDict();
    for (const bn of ["batch1", "batch2"]) {
      expect(sd[`${bn}.num_batches_tracked`]!.item()).toBe(
        fixture.train[`${bn}.num_batches_tracked`],
      );
      for (const stat of ["running_mean", "running_var"]) {
        const want = fixture.train[`${bn}.${stat}`] as number[];
        expect(closeness(sd[`${bn}.${stat}`]!, want, RTOL, 1e-6)).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe("tsgrad checkpoints", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrad-convnet1-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("save → load round-trips every tensor bit for bit, with PyTorch's dtypes", () => {
    const model = loadPytorchModel();
    const path = join(dir, "roundtrip.safetensors");
    saveSafetensors(model.stateDict(), path, { note: "round trip" });
    const back = loadSafetensors(path);
    expect(back.metadata).toEqual({ note: "round trip" });
    expect(back.dtypes["batch1.num_batches_tracked"]).toBe("I64");
    expect(back.dtypes["conv1.weight"]).toBe("F32");
    const sd = model.stateDict();
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) {
      expect(back.tensors[k]!.dtype).toBe(t.dtype);
      expect(back.tensors[k]!.shape).toEqual(t.shape);
      expect(Array.from(back.tensors[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  test("a fresh model trained a step in tsgrad survives save/load with identical logits", () => {
    manualSeed(7);
    const model = new ConvNet1();
    const x = fixtureInputs();
    model.forward(x).sum().backward(); // train mode: updates the BN buffers too
    noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(0.01));
    });
    model.eval();
    const want = noGrad(() => model.forward(x));
    const bytes = serializeSafetensors(model.stateDict());
    const copy = new ConvNet1();
    copy.loadStateDict(parseSafetensors(bytes).tensors);
    copy.eval();
    const got: Tensor = noGrad(() => copy.forward(x));
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    expect(copy.batch1.numBatchesTracked?.item()).toBe(1);
  });
});
