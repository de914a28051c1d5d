import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { manualSeed, noGrad, randn, tensor, trace, traceWith } from "@tsgrad/core";
import type { Tensor } from "@tsgrad/core";
import { SmallConvNet, lossAndBackward } from "./small-convnet.js";

// The printed trace of a small model's training step (forward, loss, backward) against a golden
// text. To accept a deliberate change: TSGRAD_UPDATE_GOLDEN=1 npx vitest run packages/nn/test/trace.test.ts
const GOLDEN = new URL("./fixtures/small-convnet.trace.txt", import.meta.url);

function model(): SmallConvNet {
  manualSeed(0);
  return new SmallConvNet();
}

describe("trace of a small model", () => {
  it("prints a training step as the golden text", () => {
    const net = model();
    const x = randn([2, 1, 6, 6]);
    const labels = tensor(new Int32Array([2, 0]));
    const names = [...net.namedParameters(), ...net.namedBuffers()];
    const graph = traceWith(
      { names },
      (a: Tensor, b: Tensor) => lossAndBackward(net, a, b),
      x,
      labels,
    );
    const text = `${graph.toString()}\n`;
    if (process.env["TSGRAD_UPDATE_GOLDEN"] === "1") writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
    // every parameter got its gradient from the traced backward pass
    for (const [, p] of net.namedParameters()) expect(p.grad).not.toBeNull();
    // and Graphviz accepts the graph (CI installs it and sets TSGRAD_REQUIRE_DOT=1)
    const svg = spawnSync("dot", ["-Tsvg"], { input: graph.toDot(), encoding: "utf8" });
    if (svg.error) {
      expect(process.env["TSGRAD_REQUIRE_DOT"], "graphviz's dot is required").not.toBe("1");
    } else {
      expect(svg.stderr).not.toMatch(/syntax|ambigu/i);
      expect([svg.status, svg.stdout.includes("<svg")]).toEqual([0, true]);
      expect(svg.stdout).toContain("conv2dBackwardWeight");
    }
  });

  it("traces a module through forward, naming its parameters and buffers", () => {
    const net = model().eval();
    const graph = noGrad(() => trace(net, randn([1, 1, 6, 6])));
    const bn = graph.nodes.find((n) => n.op === "batchNorm")!;
    expect(bn.attrs["training"]).toBe(false); // eval mode, recorded as such
    expect(bn.inputs.map((v) => v?.name ?? null)).toEqual([
      "0",
      "bn.running_mean",
      "bn.running_var",
      "bn.weight",
      "bn.bias",
    ]);
    expect(graph.nodes[0]!.source?.file).toMatch(/small-convnet\.ts$/);
    expect(graph.outputs[0]!.shape).toEqual([1, 3]);
    expect(graph.nodes.every((n) => n.phase === "forward")).toBe(true);
  });
});
