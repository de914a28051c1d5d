import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { pngStats } from "./png-stats.js";
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

/** Checks a written picture is not blank: pixel variance > 0 and more than a label's colours. */
function expectPicture(path: string): void {
  const s = pngStats(path);
  expect(s.variance).toBeGreaterThan(0);
  // text and frames alone give a handful of colours; pooled images and maps give many
  expect(s.colors).toBeGreaterThan(16);
}

describe("the article's pictures (real Fashion-MNIST)", () => {
  test("pooling: the formula column equals every op's output shape; the grid is not blank", () => {
    const out = tmp();
    const r = runExample("pooling", ["--out", out, "--index", "3"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const table = JSON.parse(readFileSync(join(out, "pooling.json"), "utf8")) as {
      size: [number, number];
      rows: {
        kernel: number;
        stride: number;
        padding: number;
        dilation: number;
        formula: [number, number];
        shapes: Record<string, number[] | null>;
      }[];
    };
    expect(table.rows.length).toBeGreaterThanOrEqual(5);
    for (const row of table.rows) {
      // the article's formula, written here once more: ⌊(W − F + 2P)/S⌋ + 1, F = D·(K − 1) + 1
      const F = row.dilation * (row.kernel - 1) + 1;
      const size = (W: number) => Math.floor((W - F + 2 * row.padding) / row.stride) + 1;
      expect(row.formula).toEqual(table.size.map(size));
      const shapes = Object.entries(row.shapes).filter(([, s]) => s !== null);
      expect(shapes.length).toBeGreaterThanOrEqual(row.dilation === 1 ? 4 : 1);
      for (const [, shape] of shapes) expect(shape!.slice(-2)).toEqual(row.formula);
      // and the printed table shows the formula with its numbers
      const text = `⌊(${table.size[1]} − ${F} + ${2 * row.padding})/${row.stride}⌋ + 1 = ${row.formula[1]}`;
      expect(r.stdout).toContain(text);
    }
    expect(Object.keys(table.rows[0]!.shapes)).toEqual(["max", "average", "L2", "distance"]);
    expectPicture(join(out, "pooling.png"));
  });

  test("conv-explained: parameter counts, exact equivariance, max pooling hides small shifts", () => {
    const out = tmp();
    const r = runExample("conv-explained", ["--out", out, "--shift", "2"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/conv layer, 16 filters 5 × 5:\s+416 parameters/);
    expect(r.stdout).toMatch(/fully connected layer:\s+9,847,040 parameters/);
    expect(r.stdout).toContain("depends on 25 input pixels through the conv");
    expect(r.stdout).toContain("on 784 through the dense layer");
    expect(r.stdout).toContain("max |conv(shift x) − shift(conv x)| = 0 over 20,736 outputs");
    const gap = /max \|fc\(shift x\) − shift\(fc x\)\| = (\d+\.\d+)/.exec(r.stdout)!;
    expect(Number(gap[1])).toBeGreaterThan(0.01);
    const change = (name: string): [number, number] => {
      const m = new RegExp(`${name}.*?\\s(\\d+)%\\s+(\\d\\.\\d+)$`, "m").exec(r.stdout)!;
      return [Number(m[1]), Number(m[2])];
    };
    const conv = change("conv \\+ ReLU");
    expect(conv[0]).toBeGreaterThan(90);
    const pooled = ["max pool 2 × 2", "max pool 4 × 4", "max pool 6 × 6", "max pool 12 × 12"];
    for (const name of pooled) {
      const [share, rel] = change(name);
      expect(share).toBeLessThan(conv[0]);
      expect(rel).toBeLessThan(conv[1]);
    }
    expect(change("max pool 36 × 36 \\(global\\)")).toEqual([0, 0]);
    expectPicture(join(out, "conv-explained.png"));
  });

  test("feature-maps: trains briefly, saves the model, and a second run loads it with --run", () => {
    const out = tmp();
    const r = runExample("feature-maps", ["--out", out, "--limit", "200", "--images", "2"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("training ConvNet1 for one epoch on 200 images");
    expect(r.stdout).toMatch(/^test image of Ankle boot: predicted .+ \(\d+\.\d%\)$/m);
    const pictures = ["conv1-filters.png", "conv1-maps.png", "conv2-maps.png"];
    for (const p of pictures) expectPicture(join(out, p));
    // conv2's 32 maps take two rows per image: taller than conv1's picture
    expect(pngStats(join(out, "conv2-maps.png")).height).toBeGreaterThan(
      pngStats(join(out, "conv1-maps.png")).height,
    );

    const again = tmp();
    const loaded = runExample("feature-maps", ["--run", out, "--out", again, "--images", "3"]);
    expect(loaded.stderr).toBe("");
    expect(loaded.status).toBe(0);
    expect(loaded.stdout).toContain(`loaded ConvNet1 from ${join(out, "model.safetensors")}`);
    expect(loaded.stdout.match(/^test image of /gm)).toHaveLength(3);
    for (const p of pictures) expectPicture(join(again, p));
  });
});
