import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { expectConsistent, metricsOf } from "./run-checks.js";
import { runExample } from "./run-example.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "tsgrad-train-"));

describe("fashion-mnist-convnet on real Fashion-MNIST", () => {
  test("one epoch on 6,000 images at batch 32 reaches ≥ 78% on 1,000 test images", () => {
    const out = tmp();
    const r = runExample("fashion-mnist-convnet", [
      ...[
        "--epochs",
        "1",
        "--limit",
        "6000",
        "--test-limit",
        "1000",
        "--batch-size",
        "32",
        "--out",
        out,
      ],
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = metricsOf(out);
    expect(m.epochs).toHaveLength(1);
    // PyTorch on this machine: 82.8–84.7% across seeds
    expect(m.epochs[0]!.testAccuracy).toBeGreaterThanOrEqual(0.78);
    expect(expectConsistent(out)).toBe(1);
    expect(readFileSync(join(out, "confusion.svg"), "utf8")).toContain("Ankle boot");
  });
});
