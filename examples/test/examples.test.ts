import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runExample } from "./run-example.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "tsgrad-example-"));

describe("examples run as the README shows", () => {
  test("autograd-basics: gradients, grad of grad, HVP and a fit", () => {
    const r = runExample("autograd-basics", ["--steps", "100"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("d/dx (x³ + 2x) at 3 = 29 (expected 29)");
    expect(r.stdout).toContain("d²/dx² (x³ + 2x) at 3 = 18 (expected 18)");
    const lines = r.stdout.split("\n");
    const hv = lines
      .find((l) => l.startsWith("H·v"))!
      .replace("H·v", "")
      .trim();
    const closed = lines
      .find((l) => l.startsWith("closed form"))!
      .replace("closed form", "")
      .trim();
    expect(hv).toBe(closed);
  });

  test("activations: derivatives by autograd and an SVG plot", () => {
    const out = tmp();
    const r = runExample("activations", ["--out", out, "--points", "41"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/sigmoid\s+f'\(-2\) = 0\.1050\s+f'\(0\) = 0\.2500/);
    expect(r.stdout).toMatch(/tanh\s+f'\(-2\) = 0\.0707\s+f'\(0\) = 1\.0000/);
    expect(readFileSync(join(out, "activations.svg"), "utf8")).toMatch(/^<svg/);
  });

  test("custom-layer: a custom op passes gradcheck/gradgradcheck and trains", () => {
    const r = runExample("custom-layer", ["--steps", "40"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("pswish: gradcheck and gradgradcheck passed");
    const m = /loss (\d+\.\d+) → (\d+\.\d+)/.exec(r.stdout)!;
    expect(Number(m[2])).toBeLessThan(Number(m[1]));
  });

  test("inspect-graph: the convnet's traced graph, its SVG, and anomaly mode naming a NaN", () => {
    const out = tmp();
    const r = runExample("inspect-graph", ["--out", out, "--batch", "2"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^graph\(%in0: f32\[2, 1, 28, 28\], %in1: i32\[2\]\):$/m);
    expect(r.stdout).toMatch(
      /= conv2d\(%in0, %conv1\.weight, %conv1\.bias, stride=\[1, 1\], padding=\[2, 2\].*# convnet\.ts:\d+$/m,
    );
    expect(r.stdout).toMatch(/= conv2dBackwardWeight\(.*# grad of %\d+ \(conv2d\)$/m);
    expect(r.stdout).toMatch(/^\d+ ops: \d+ forward, \d+ backward$/m);
    const dot = readFileSync(join(out, "convnet-step.dot"), "utf8");
    expect(dot).toMatch(/^digraph tsgrad \{/);
    if (r.stdout.includes("dot was not found")) {
      // CI installs graphviz (TSGRAD_REQUIRE_DOT=1): there the SVG must be written
      expect(process.env["TSGRAD_REQUIRE_DOT"]).not.toBe("1");
    } else {
      expect(readFileSync(join(out, "convnet-step.svg"), "utf8")).toContain("<svg");
    }
    expect(r.stdout).toContain("without anomaly mode: conv.weight.grad has NaN: true");
    expect(r.stdout).toMatch(
      /with anomaly mode: exp produced Inf from inputs \[2, 8, 28, 28\] float32, in the backward of badSwish\. The forward badSwish was created at:\n\s+at SwishNet\.forward \(.*inspect-graph\.ts:\d+:\d+\)/,
    );
  });
});
