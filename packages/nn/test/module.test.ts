import { describe, expect, test } from "vitest";
import { DTypeError, Tensor, ValueError, ones, tensor, zeros } from "@tsgrad/core";
import {
  BatchNorm1d,
  Dropout,
  Linear,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
  type AnyModule,
} from "@tsgrad/nn";

class Block extends Module {
  readonly lin: Linear;
  readonly norm = new BatchNorm1d(3);
  constructor() {
    super();
    this.lin = new Linear(2, 3); // assigned in the constructor: still ordered by its declaration
  }
  override forward(x: Tensor): Tensor {
    return this.norm.forward(this.lin.forward(x));
  }
}

class Net extends Module {
  zeta = new Linear(3, 2, { bias: false });
  scale = new Parameter(ones([1]));
  block = new Block();
  act = new ReLU();
  drop = new Dropout(0.5);
  notATensorField = 3;
  plainTensor = zeros([2]); // not registered: neither parameter nor buffer
  constructor() {
    super();
    this.registerBuffer("steps", zeros([], { dtype: "int32" }));
    this.registerBuffer("cache", zeros([2]), false);
    this.registerBuffer("nothing", null);
  }
  override forward(x: Tensor): Tensor {
    return this.zeta
      .forward(this.drop.forward(this.act.forward(this.block.forward(x))))
      .mul(this.scale);
  }
}

describe("discovery", () => {
  test("parameters, buffers and children follow declaration order, PyTorch-style names", () => {
    const net = new Net();
    expect(net.namedParameters().map(([k, p]) => [k, p.shape])).toEqual([
      ["scale", [1]],
      ["zeta.weight", [2, 3]],
      ["block.lin.weight", [3, 2]],
      ["block.lin.bias", [3]],
      ["block.norm.weight", [3]],
      ["block.norm.bias", [3]],
    ]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual([
      "steps",
      "cache",
      "block.norm.running_mean",
      "block.norm.running_var",
      "block.norm.num_batches_tracked",
    ]);
    expect(net.namedChildren().map(([k]) => k)).toEqual(["zeta", "block", "act", "drop"]);
    expect(net.namedModules().map(([k]) => k)).toEqual([
      "",
      "zeta",
      "block",
      "block.lin",
      "block.norm",
      "act",
      "drop",
    ]);
    expect(net.modules()).toHaveLength(7);
    expect(net.children()[1]).toBe(net.block);
    expect(net.parameters({ recurse: false })).toEqual([net.scale]);
    expect(net.buffers({ recurse: false })).toHaveLength(2);
    expect(net.namedParameters({ prefix: "model" })[0]![0]).toBe("model.scale");
  });

  test("stateDict: own parameters, persistent buffers, then children; detached shared storage", () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual([
      "scale",
      "steps",
      "zeta.weight",
      "block.lin.weight",
      "block.lin.bias",
      "block.norm.weight",
      "block.norm.bias",
      "block.norm.running_mean",
      "block.norm.running_var",
      "block.norm.num_batches_tracked",
    ]);
    expect(sd.scale!.requiresGrad).toBe(false);
    expect(sd.scale!.storage).toBe(net.scale.storage);
    expect(net.stateDict({ keepVars: true }).scale).toBe(net.scale);
    expect(Object.keys(net.stateDict({ prefix: "m." }))[0]).toBe("m.scale");
  });

  test("a module shared by two fields is listed once by parameters() but twice in stateDict()", () => {
    class Tied extends Module {
      a = new Linear(2, 2);
      b = this.a;
      override forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Tied();
    expect(m.parameters()).toHaveLength(2);
    expect(m.modules()).toHaveLength(2);
    expect(Object.keys(m.stateDict())).toEqual(["a.weight", "a.bias", "b.weight", "b.bias"]);
  });

  test("registerParameter / registerModule add computed names; bad names are rejected", () => {
    class Dyn extends Module {
      constructor() {
        super();
        for (let i = 0; i < 2; i++) this.registerParameter(`w${i}`, new Parameter(zeros([i + 1])));
        this.registerModule("head", new Linear(1, 1));
      }
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    const d = new Dyn();
    expect(Object.keys(d.stateDict())).toEqual(["w0", "w1", "head.weight", "head.bias"]);
    expect(() => d.registerBuffer("a.b", zeros([1]))).toThrow(ValueError);
    expect(() => d.registerBuffer("", zeros([1]))).toThrow(/non-empty string without '.'/);
    expect(() => d.registerBuffer("head", zeros([1]))).toThrow(
      /attribute 'head' already exists on Dyn/,
    );
    expect(() => d.registerBuffer("forward", zeros([1]))).toThrow(/already exists/);
    expect(() => d.registerParameter("w2", zeros([1]) as Parameter)).toThrow(/must be a Parameter/);
    d.registerBuffer("buf", zeros([1]));
    d.registerBuffer("buf", ones([2])); // re-registering a buffer replaces it
    expect(d.getBuffer("buf")!.shape).toEqual([2]);
    expect(() => d.getBuffer("missing")).toThrow(/Dyn has no buffer 'missing'/);
  });

  test("computed names keep registration order, integer-like ones included", () => {
    class Mixed extends Module {
      a = new Linear(1, 1);
      head!: Linear; // declared, assigned by registerModule
      n = 3;
      constructor() {
        super();
        this.registerModule("0", new ReLU());
        this.registerModule("head", new Linear(1, 2));
        this.registerModule("1", new ReLU());
      }
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Mixed();
    expect(m.namedChildren().map(([k]) => k)).toEqual(["a", "head", "0", "1"]);
    expect(m.head.outFeatures).toBe(2);
    expect(() => m.registerModule("n", new ReLU())).toThrow(
      /attribute 'n' already exists on Mixed/,
    );
    m.registerModule("a", null); // an existing module slot may be emptied
    expect(Object.keys(m.stateDict())).toEqual(["head.weight", "head.bias"]);
  });
});

describe("Parameter", () => {
  test("is a leaf tensor requiring grad that shares the wrapped storage", () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect([p.requiresGrad, p.isLeaf, p.storage === t.storage]).toEqual([true, true, true]);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(p.toString()).toBe("Parameter containing:\ntensor([1., 2.], requires_grad=True)");
    expect(() => new Parameter(tensor(new Int32Array([1])))).toThrow(DTypeError);
    expect(new Parameter(tensor(new Int32Array([1])), false).dtype).toBe("int32");
  });
});

describe("modes and gradients", () => {
  test("train() / eval() propagate through the whole tree and return the module", () => {
    const net = new Net();
    const all = (m: AnyModule): boolean[] => m.modules().map((x) => x.training);
    expect(all(net).every(Boolean)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(all(net).some(Boolean)).toBe(false);
    net.train();
    expect(all(net).every(Boolean)).toBe(true);
    net.block.train(false);
    expect([net.training, net.block.training, net.block.norm.training]).toEqual([
      true,
      false,
      false,
    ]);
  });

  test("eval mode changes behaviour: Dropout passes through, BatchNorm uses running stats", () => {
    const net = new Net();
    const x = tensor([
      [1, 2],
      [3, 5],
      [0, -1],
    ]);
    net.eval();
    const a = net.forward(x).dataSync();
    const b = net.forward(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b)); // deterministic: no dropout, fixed statistics
    expect(net.block.norm.numBatchesTracked!.item()).toBe(0);
    net.train();
    net.forward(x);
    expect(net.block.norm.numBatchesTracked!.item()).toBe(1);
  });

  test("zeroGrad sets gradients to null, or to zeros in place with setToNone: false", () => {
    const net = new Net().eval();
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad({ setToNone: false });
    for (const p of net.parameters()) {
      expect(p.grad!.shape).toEqual(p.shape);
      expect(Array.from(p.grad!.dataSync()).every((v) => v === 0)).toBe(true);
    }
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  test("apply visits children before their parent and returns the module", () => {
    const seen: string[] = [];
    const net = new Sequential(new Linear(1, 1), new Sequential(new ReLU()));
    expect(net.apply((m) => seen.push(m.constructor.name))).toBe(net);
    expect(seen).toEqual(["Linear", "ReLU", "Sequential", "Sequential"]);
  });
});

describe("loadStateDict", () => {
  const make = (): Linear => new Linear(3, 2);

  test("copies values in place (same parameter objects), casting dtypes, with grad mode on", () => {
    const src = make();
    const dst = make();
    const weight = dst.weight;
    const sd = src.stateDict();
    sd.bias = sd.bias!.double();
    expect(dst.loadStateDict(sd)).toEqual({
      missingKeys: [],
      unexpectedKeys: [],
      mismatchedKeys: [],
    });
    expect(dst.weight).toBe(weight);
    expect(dst.weight.requiresGrad).toBe(true);
    expect(dst.bias!.dtype).toBe("float32");
    expect(Array.from(dst.weight.dataSync())).toEqual(Array.from(src.weight.dataSync()));
    expect(Array.from(dst.bias!.dataSync())).toEqual(Array.from(src.bias!.dataSync()));
    const map = new Map([
      ["weight", zeros([2, 3])],
      ["bias", ones([2])],
    ]);
    dst.loadStateDict(map);
    expect(dst.bias!.toArray()).toEqual([1, 1]);
  });

  test("strict mode names every missing, unexpected and wrongly shaped key and changes nothing", () => {
    const net = new Net();
    const before = net.zeta.weight.toArray();
    const sd = new Net().stateDict();
    delete sd["block.lin.bias"];
    delete sd.steps;
    sd["extra.weight"] = zeros([1]);
    sd["zeta.weight"] = zeros([5, 3]);
    sd["block.norm.weight"] = zeros([4]);
    let message = "";
    try {
      net.loadStateDict(sd);
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        "loadStateDict: Error(s) in loading state_dict for Net:",
        '\tMissing key(s) in state_dict: "steps", "block.lin.bias".',
        '\tUnexpected key(s) in state_dict: "extra.weight".',
        "\tsize mismatch for zeta.weight: copying a param with shape [5, 3] from checkpoint, the shape in current model is [2, 3].",
        "\tsize mismatch for block.norm.weight: copying a param with shape [4] from checkpoint, the shape in current model is [3].",
      ].join("\n"),
    );
    expect(net.zeta.weight.toArray()).toEqual(before);
  });

  test("non-strict mode loads what matches and reports the rest", () => {
    const src = new Net();
    const dst = new Net();
    const sd = src.stateDict();
    delete sd["block.lin.bias"];
    sd.unknown = zeros([1]);
    sd["zeta.weight"] = zeros([1, 1]);
    const before = dst.zeta.weight.toArray();
    expect(dst.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ["block.lin.bias"],
      unexpectedKeys: ["unknown"],
      mismatchedKeys: ["zeta.weight"],
    });
    expect(dst.zeta.weight.toArray()).toEqual(before);
    expect(dst.block.lin.weight.toArray()).toEqual(src.block.lin.weight.toArray());
  });

  test("a non-persistent buffer is not saved, and loading one by name is unexpected", () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).not.toContain("cache");
    const sd = { ...net.stateDict(), cache: zeros([2]) };
    expect(net.loadStateDict(sd, { strict: false }).unexpectedKeys).toEqual(["cache"]);
  });
});

describe("toString", () => {
  test("prints the module tree like PyTorch's repr", () => {
    class Head extends Module {
      body = new Sequential(new Linear(4, 4), new ReLU());
      list = new ModuleList([new Dropout(0.1)]);
      override forward(x: Tensor): Tensor {
        return this.body.forward(x);
      }
      override extraRepr(): string {
        return "custom=1\nsecond line";
      }
    }
    expect(new Head().toString()).toBe(
      [
        "Head(",
        "  custom=1",
        "  second line",
        "  (body): Sequential(",
        "    (0): Linear(in_features=4, out_features=4, bias=True)",
        "    (1): ReLU()",
        "  )",
        "  (list): ModuleList(",
        "    (0): Dropout(p=0.1, inplace=False)",
        "  )",
        ")",
      ].join("\n"),
    );
  });
});
