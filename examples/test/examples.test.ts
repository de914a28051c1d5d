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
});
