import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AutogradError, Tensor, noGrad, tensor, trace, type Tensor as T } from "@tsgrad/core";
import { Linear, Module, ReLU } from "@tsgrad/nn";

// PyTorch 1.13's module hooks, recorded by scripts/fixtures/module_hooks.py: the same network and
// hooks here must call the hooks in the same order with the same values, and end with the same
// gradients.

interface Value {
  shape: number[];
  data: number[];
}
interface HookEvent {
  module: string;
  hook: "forwardPre" | "forward" | "backward" | "backward2";
  inputs?: (Value | number | null)[];
  output?: Value;
  gradInput?: (Value | null)[];
  gradOutput?: (Value | null)[];
}
interface Fixture {
  stateDict: Record<string, Value>;
  x: Value;
  y: Value;
  loss: number;
  events: HookEvent[];
  grads: Record<string, Value>;
  yGrad: Value;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/module_hooks.json", import.meta.url), "utf8"),
) as Fixture;

const f64 = (v: Value): T => tensor(v.data, { dtype: "float64" }).reshape(v.shape);

class Block extends Module<[T, T, number]> {
  lin = new Linear(3, 3, { dtype: "float64" });
  forward(h: T, y: T, scale: number): T {
    return this.lin.forward(h).tanh().mul(y).mul(scale);
  }
}

class Net extends Module<[T, T]> {
  fc1 = new Linear(4, 3, { dtype: "float64" });
  act = new ReLU();
  block = new Block();
  fc2 = new Linear(3, 2, { dtype: "float64" });
  forward(x: T, y: T): T {
    const h = this.act.forward(this.fc1.forward(x));
    return this.fc2.forward(this.block.forward(h, y, 0.5));
  }
}

/** A hook argument as the fixture stores it. */
function record(v: unknown): Value | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Tensor) return { shape: [...v.shape], data: Array.from(v.dataSync()) };
  return v as number;
}

function expectSame(got: unknown, want: unknown, path: string): void {
  if (want === null || typeof want !== "object") {
    if (typeof want === "number" && typeof got === "number") {
      expect(Math.abs(got - want), path).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
    } else {
      expect(got, path).toEqual(want);
    }
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(got), path).toBe(true);
    expect((got as unknown[]).length, path).toBe(want.length);
    want.forEach((w, i) => expectSame((got as unknown[])[i], w, `${path}[${i}]`));
    return;
  }
  if (got === null || typeof got !== "object") {
    expect(got, path).toEqual(want);
    return;
  }
  const w = want as Record<string, unknown>;
  for (const key of Object.keys(w)) {
    expectSame((got as Record<string, unknown>)[key], w[key], `${path}.${key}`);
  }
}

function buildNet(): Net {
  const net = new Net();
  net.loadStateDict(
    Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, f64(v)])),
  );
  return net;
}

describe("module hooks match PyTorch (fixture from scripts/fixtures/module_hooks.py)", () => {
  it("calls forward pre-, forward and full backward hooks in PyTorch's order with its values", () => {
    const net = buildNet();
    const events: HookEvent[] = [];
    const names = new Map(net.namedModules().map(([n, m]) => [m, n || "net"]));
    for (const m of net.modules()) {
      const name = names.get(m)!;
      m.registerForwardPreHook((_mod, inputs) => {
        events.push({ module: name, hook: "forwardPre", inputs: inputs.map(record) });
        // a bare tensor, not an argument list: wrapped, as PyTorch wraps it in a tuple
        if (m === net.fc2) return (inputs[0] as T).mul(2);
      });
      m.registerForwardHook((_mod, inputs, output) => {
        events.push({
          module: name,
          hook: "forward",
          inputs: inputs.map(record),
          output: record(output) as Value,
        });
        if (m === net.act) return (output as T).add(1);
      });
      m.registerFullBackwardHook((_mod, gradInput, gradOutput) => {
        events.push({
          module: name,
          hook: "backward",
          gradInput: gradInput.map(record) as (Value | null)[],
          gradOutput: gradOutput.map(record) as (Value | null)[],
        });
        if (m === net.block) return [gradInput[0]!.mul(0.5), ...gradInput.slice(1)];
      });
    }
    net.block.registerFullBackwardHook((_mod, gradInput, gradOutput) => {
      events.push({
        module: "block",
        hook: "backward2",
        gradInput: gradInput.map(record) as (Value | null)[],
        gradOutput: gradOutput.map(record) as (Value | null)[],
      });
    });

    const y = f64(fixture.y).requiresGrad_();
    const loss = net.forward(f64(fixture.x), y).pow(2).sum();
    loss.backward();

    expect(events.map((e) => `${e.module} ${e.hook}`)).toEqual(
      fixture.events.map((e) => `${e.module} ${e.hook}`),
    );
    fixture.events.forEach((want, i) =>
      expectSame(events[i], want, `event ${i} (${want.module} ${want.hook})`),
    );
    expectSame(loss.item(), fixture.loss, "loss");
    for (const [name, p] of net.namedParameters()) {
      expectSame(record(p.grad), fixture.grads[name], `grad of ${name}`);
    }
    expectSame(record(y.grad), fixture.yGrad, "y.grad");
  });

  it("remove() unregisters a hook; other hooks keep running", () => {
    const lin = new Linear(2, 2);
    const calls: string[] = [];
    const a = lin.registerForwardHook(() => void calls.push("a"));
    lin.registerForwardHook(() => void calls.push("b"));
    const pre = lin.registerForwardPreHook(() => void calls.push("pre"));
    const x = tensor([[1, 2]]);
    lin.forward(x);
    a.remove();
    pre.remove();
    pre.remove(); // removing twice is harmless
    lin.forward(x);
    expect(calls).toEqual(["pre", "a", "b", "b"]);
  });

  it("hooks are per instance and do not change forward without hooks", () => {
    const hooked = new Linear(2, 1);
    const plain = new Linear(2, 1);
    noGrad(() => plain.weight.copy_(hooked.weight));
    noGrad(() => plain.bias!.copy_(hooked.bias!));
    hooked.registerForwardHook((_m, _in, out) => out.mul(10));
    const x = tensor([[1, -1]]);
    expect(hooked.forward(x).item()).toBeCloseTo(plain.forward(x).item() * 10, 5);
    expect(Object.keys(hooked)).toEqual(Object.keys(plain)); // `forward` stays out of the fields
    expect(hooked.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
  });

  it("a backward hook that returns the wrong number of gradients fails loudly", () => {
    const lin = new Linear(2, 2);
    lin.registerFullBackwardHook(() => []);
    const x = tensor([[1, 2]], { requiresGrad: true });
    expect(() => lin.forward(x).sum().backward()).toThrow(AutogradError);
  });

  it("a module's hooked call shows in a trace as BackwardHookFunction around the layer", () => {
    const lin = new Linear(2, 2);
    lin.registerFullBackwardHook(() => undefined);
    const graph = trace((x: T) => lin.forward(x).sum(), tensor([[1, 2]], { requiresGrad: true }));
    const ops = graph.nodes.map((n) => n.op);
    expect(ops[0]).toBe("BackwardHookFunction");
    expect(ops.slice(-2)).toEqual(["BackwardHookFunction", "sum"]);
    expect(ops).toContain("mm");
  });
});
