import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  Graph,
  ValueError,
  conv2d,
  defineFunction,
  grad,
  noGrad,
  randn,
  tensor,
  trace,
  traceWith,
  zeros,
  type Tensor,
} from "../src/index.js";

const THIS_FILE = fileURLToPath(import.meta.url);
/** The line of this file holding `marker` (1-based). */
const lineOf = (marker: string): number =>
  readFileSync(THIS_FILE, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(marker) && !l.includes("lineOf(")) + 1;

const ops = (g: Graph): string[] => g.nodes.map((n) => n.op);

describe("trace", () => {
  it("records views, no-grad ops and ops on tensors that do not require grad", () => {
    const g = trace(
      (x: Tensor) => noGrad(() => x.view(2, 3).transpose(0, 1).relu().sum(0)),
      randn([6]),
    );
    expect(ops(g)).toEqual(["reshape", "permute", "relu", "sum"]);
    expect(g.inputs.map((v) => [v.name, v.shape])).toEqual([["in0", [6]]]);
    expect(g.nodes[1]!.attrs).toEqual({ dims: [1, 0] });
    expect(g.nodes[3]!.attrs).toEqual({ dim: [0], keepdim: false });
    expect(g.nodes[3]!.outputs[0]!.shape).toEqual([2]);
    expect(g.outputs).toEqual([g.nodes[3]!.outputs[0]]);
    expect(g.nodes.every((n) => n.phase === "forward")).toBe(true);
  });

  it("gives each node its attributes, output type and the user's source line", () => {
    const w = randn([4, 2, 3, 3], { requiresGrad: true });
    const g = traceWith(
      { names: [["conv.weight", w]] },
      (x: Tensor) => conv2d(x, w, null, { stride: 2, padding: 1 }), // TRACE-CONV
      randn([1, 2, 8, 8]),
    );
    const [conv] = g.nodes;
    expect(conv!.op).toBe("conv2d");
    expect(conv!.inputs.map((v) => v?.name ?? null)).toEqual(["in0", "conv.weight", null]);
    expect(conv!.attrs).toEqual({ stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 });
    expect(conv!.outputs[0]).toMatchObject({ shape: [1, 4, 4, 4], dtype: "float32" });
    expect(conv!.source!.file).toBe(THIS_FILE);
    expect(conv!.source!.line).toBe(lineOf("TRACE-CONV"));
    expect(g.toString()).toContain(
      "%0: f32[1, 4, 4, 4] = conv2d(%in0, %conv.weight, null, stride=[2, 2], padding=[1, 1], dilation=[1, 1], groups=1)  # trace.test.ts:",
    );
    expect(g.toString()).toContain("%conv.weight: f32[4, 2, 3, 3] = parameter");
  });

  it("includes the backward pass when the function calls backward()", () => {
    const w = tensor([0.5, -1, 2], { requiresGrad: true });
    const g = trace(
      (x: Tensor) => {
        const loss = x.mul(w).exp().sum();
        loss.backward();
        return loss;
      },
      tensor([1, 2, 3]),
    );
    const forward = g.nodes.filter((n) => n.phase === "forward");
    const backward = g.nodes.filter((n) => n.phase === "backward");
    expect(forward.map((n) => n.op)).toEqual(["mul", "exp", "sum"]);
    expect(backward[0]!.op).toBe("onesLike");
    expect(backward[0]!.inputs[0]).toBe(forward[2]!.outputs[0]);
    // exp's rule multiplies the incoming gradient by exp's own output
    const expRule = backward.find((n) => n.gradOf?.op === "exp")!;
    expect(expRule.op).toBe("mul");
    expect(expRule.inputs).toContain(forward[1]!.outputs[0]);
    expect(backward.some((n) => n.gradOf?.op === "mul")).toBe(true);
    expect(g.toString()).toMatch(/= mul\(%\d+, %1\) {2}# grad of %1 \(exp\)/);
  });

  it("includes grad() with createGraph, and the second-order pass", () => {
    const x = tensor([1.5], { dtype: "float64", requiresGrad: true });
    const g = trace(() => {
      const [dy] = grad(x.pow(3), x, { createGraph: true });
      return grad(dy!, x);
    });
    expect(g.nodes.filter((n) => n.gradOf?.op === "pow").length).toBeGreaterThan(2);
    expect(g.nodes.filter((n) => n.op === "onesLike").length).toBe(2);
    expect(g.nodes.some((n) => n.phase === "backward" && n.gradOf?.phase === "backward")).toBe(
      true,
    );
  });

  it("renames a tensor updated in place (SSA), and shows what reads the new value", () => {
    const g = trace(
      (x: Tensor) => {
        const y = x.mul(2);
        noGrad(() => y.add_(1));
        return y.neg();
      },
      tensor([1, 2]),
    );
    expect(ops(g)).toEqual(["mul", "add_", "neg"]);
    const [mul, addInPlace, neg] = g.nodes;
    expect(addInPlace!.inputs[0]).toBe(mul!.outputs[0]);
    expect(addInPlace!.attrs).toEqual({ value: [1] });
    expect(neg!.inputs[0]).toBe(addInPlace!.outputs[0]);
  });

  it("shows a custom function, and a primitive written with other ops, as one node", () => {
    const Twice = defineFunction({
      name: "twice",
      forward: (_ctx, x: Tensor) => x.add(x).relu(),
      backward: (_ctx, g) => [g.mul(2)],
    });
    const g = trace((x: Tensor) => Twice.apply(x).clamp(0, 1), randn([3]));
    expect(ops(g)).toEqual(["twice", "clamp"]);
    expect(g.nodes[1]!.attrs).toEqual({ min: 0, max: 1 });
  });

  it("prints numbers an op broadcast inline, and the graph one node a line", () => {
    const g = trace((x: Tensor) => x.mul(0.5).add(zeros([3])), tensor([1, 2, 3])); // TRACE-INLINE
    expect(g.toString()).toBe(
      [
        "graph(%in0: f32[3]):",
        "  %c0: f32[3] = constant",
        `  %0: f32[3] = mul(%in0, 0.5)  # trace.test.ts:${lineOf("TRACE-INLINE")}`,
        `  %1: f32[3] = add(%0, %c0)  # trace.test.ts:${lineOf("TRACE-INLINE")}`,
        "  return %1",
      ].join("\n"),
    );
  });

  it("writes Graphviz DOT that dot accepts", () => {
    const w = randn([3, 2], { requiresGrad: true });
    const g = trace(
      (x: Tensor) => {
        const loss = x.matmul(w).tanh().sum();
        loss.backward();
        return loss;
      },
      randn([4, 3]),
    );
    const dot = g.toDot();
    expect(dot.startsWith("digraph tsgrad {")).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    expect(dot).toContain("subgraph cluster_backward");
    for (const n of g.nodes) expect(dot).toContain(`  n${n.index} [`);
    const edges = dot.split("\n").filter((l) => l.includes(" -> ")).length;
    const inputs = g.nodes.reduce(
      (k, n) => k + n.inputs.filter((v) => v && v.value === null).length,
      0,
    );
    expect(edges).toBe(inputs + g.outputs.length);
    const probe = spawnSync("dot", ["-V"]);
    if (probe.error) {
      // CI installs graphviz and sets TSGRAD_REQUIRE_DOT=1, so this check cannot be skipped there
      expect(process.env["TSGRAD_REQUIRE_DOT"], "graphviz's dot is required").not.toBe("1");
      return;
    }
    const svg = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
    expect(svg.stderr).not.toMatch(/syntax|ambigu/i); // (font warnings of a bare system may appear)
    expect(svg.status).toBe(0);
    expect(svg.stdout).toContain("<svg");
    expect(svg.stdout).toContain("tanh");
  });

  it("leaves recording off afterwards, also when the function throws; traces do not nest", () => {
    expect(() =>
      trace(() => {
        tensor([1]).neg();
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(() => trace(() => trace(() => 0))).toThrow(ValueError);
    const g = trace((x: Tensor) => x.neg(), tensor([1]));
    tensor([2]).exp(); // after the trace: not recorded anywhere
    expect(ops(g)).toEqual(["neg"]);
  });
});
