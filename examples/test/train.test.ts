import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runExample } from "./run-example.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "tsgrad-train-"));

interface Metrics {
  epochs: { epoch: number; testAccuracy: number; trainLoss: number }[];
}
const metricsOf = (dir: string): Metrics =>
  JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as Metrics;

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
    for (const f of [
      "model.safetensors",
      "checkpoint.safetensors",
      "curves.svg",
      "confusion.svg",
    ]) {
      expect(readFileSync(join(out, f)).length).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, "confusion.svg"), "utf8")).toContain("Ankle boot");
  });

  test("--epochs 1 then --resume --epochs 2 gives weights bit-identical to a straight 2-epoch run", () => {
    const common = ["--limit", "400", "--test-limit", "200", "--batch-size", "50", "--seed", "7"];
    const straight = tmp();
    const resumed = tmp();
    expect(
      runExample("fashion-mnist-convnet", [...common, "--epochs", "2", "--out", straight]).status,
    ).toBe(0);
    // the first leg must know the cosine's full length to follow the same schedule
    const first = runExample("fashion-mnist-convnet", [
      ...common,
      "--epochs",
      "1",
      "--schedule-epochs",
      "2",
      "--out",
      resumed,
    ]);
    expect(first.status).toBe(0);
    const second = runExample("fashion-mnist-convnet", [
      ...common,
      "--resume",
      "--epochs",
      "2",
      "--out",
      resumed,
    ]);
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("resuming from epoch 1");
    const a = readFileSync(join(straight, "model.safetensors"));
    const b = readFileSync(join(resumed, "model.safetensors"));
    expect(Buffer.compare(a, b)).toBe(0);
    expect(metricsOf(resumed).epochs.map((e) => e.trainLoss)).toEqual(
      metricsOf(straight).epochs.map((e) => e.trainLoss),
    );
  });
});
