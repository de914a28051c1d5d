/**
 * `--resume` continues the recorded run: flags may repeat the checkpoint's settings but not
 * change them, `--epochs` may extend the run (with the documented schedule rule), and
 * `metrics.json` records what ran. Tiny random data: epochs of 2 steps.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectConsistent, expectOneErrorLine, expectSameRun, metricsOf } from "./run-checks.js";
import { spawnExample, type ExampleRun } from "./run-example.js";
import { writeTinyFashionMNIST } from "./tiny-data.js";

const base = mkdtempSync(join(tmpdir(), "tsgrad-resume-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const data = writeTinyFashionMNIST(join(base, "data"), 40, 30);
let n = 0;
const fresh = (): string => join(base, `run-${++n}`);
const SMALL = ["--batch-size", "10", "--limit", "20", "--test-limit", "20"];
const train = (out: string, ...args: string[]): Promise<ExampleRun> =>
  spawnExample("fashion-mnist-convnet", [...args, "--data", data, "--out", out]);
async function ok(out: string, ...args: string[]): Promise<ExampleRun> {
  const run = await train(out, ...args);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout).not.toContain("\u001b["); // no progress bar when stdout is not a terminal
  return run;
}
/** A copy of a finished run folder, to resume without touching the original. */
const copyOf = (dir: string): string => {
  const copy = fresh();
  cpSync(dir, copy, { recursive: true });
  return copy;
};
const cosine = (step: number, total: number) =>
  (0.001 * (1 + Math.cos((Math.PI * step) / total))) / 2;

let twoEpochs: string; // --epochs 2, 2 steps per epoch, the cosine over 2 epochs
beforeAll(async () => {
  twoEpochs = fresh();
  await ok(twoEpochs, "--epochs", "2", ...SMALL);
}, 120_000);

describe.concurrent("--resume", () => {
  test("of a finished run: says so, exits 0, and leaves the run as it was", async () => {
    const out = copyOf(twoEpochs);
    const run = await ok(out, "--resume", "--epochs", "2", ...SMALL, "--backend", "js");
    expect(run.stdout).toContain(
      `the run in ${out} is complete (2 epochs); --epochs N > 2 extends it`,
    );
    expect(readFileSync(join(out, "model.safetensors"))).toEqual(
      readFileSync(join(twoEpochs, "model.safetensors")),
    );
  });

  test.each([
    [["--batch-size", "5"], "--batch-size 5", "--batch-size 10"],
    [["--lr", "0.01"], "--lr 0.01", "--lr 0.001"],
    [["--seed", "1"], "--seed 1", "--seed 0"],
    [["--schedule", "constant"], "--schedule constant", "--schedule cosine"],
    [["--schedule-epochs", "4"], "--schedule-epochs 4", "--schedule-epochs 2"],
    [["--limit", "30"], "--limit 30", "--limit 20"],
    [["--test-limit", "10"], "--test-limit 10", "--test-limit 20"],
  ])(
    "with %j contradicting the checkpoint: exit 2, naming both values",
    async (flag, given, recorded) => {
      const run = await train(twoEpochs, "--resume", ...flag);
      expect(run.status).toBe(2);
      expect(expectOneErrorLine(run.stderr)).toBe(
        `error: ${given} contradicts the run being resumed: its checkpoint ${join(twoEpochs, "checkpoint.safetensors")} records ${recorded}; drop the flag, or start a new run in another --out`,
      );
    },
  );

  test("with a smaller --epochs: exit 2, a resumed run can only be extended", async () => {
    const run = await train(twoEpochs, "--resume", "--epochs", "1");
    expect(run.status).toBe(2);
    expect(expectOneErrorLine(run.stderr)).toMatch(
      /^error: --epochs 1 would shorten the run being resumed, planned for 2 epochs in .*; --epochs can only extend it$/,
    );
  });

  test("--epochs 3 extends a finished cosine run: stretched from epoch 3 on, recorded", async () => {
    const out = copyOf(twoEpochs);
    const run = await ok(out, "--resume", "--epochs", "3");
    expect(run.stdout).toContain(
      "extending the run from 2 to 3 epochs: from epoch 3 on, the rate follows a cosine stretched to 3 epochs; epochs 1–2 stay as they ran\n",
    );
    expect(expectConsistent(out)).toBe(3);
    const before = metricsOf(twoEpochs);
    const after = metricsOf(out);
    expect(after.config).toEqual({ ...before.config, epochs: 3, scheduleEpochs: 3 });
    expect(after.extensions).toEqual([
      { afterEpoch: 2, fromEpochs: 2, toEpochs: 3, scheduleEpochs: 3 },
    ]);
    expect(after.epochs.slice(0, 2)).toEqual(before.epochs); // as they ran, timings included
    // epoch 3 runs steps 4 and 5 of a 6-step cosine; the old 4-step one had reached 0
    expect(before.epochs[1]!.lrEnd).toBeCloseTo(cosine(3, 4), 12);
    expect(after.epochs[2]!.lrStart).toBeCloseTo(cosine(4, 6), 12);
    expect(after.epochs[2]!.lrEnd).toBeCloseTo(cosine(5, 6), 12);
    const again = await ok(out, "--resume");
    expect(again.stdout).toContain("is complete (3 epochs)");
  });

  test("--epochs 2 on a run planned with --schedule-epochs 2: the cosine is kept, identical to a straight run", async () => {
    const out = fresh();
    await ok(out, "--epochs", "1", "--schedule-epochs", "2", ...SMALL);
    const run = await ok(out, "--resume", "--epochs", "2");
    expect(run.stdout).toContain(
      "extending the run from 1 to 2 epochs: the cosine keeps its length of 2 epochs\n",
    );
    expectSameRun(twoEpochs, out);
    expect(metricsOf(out).extensions).toEqual([
      { afterEpoch: 1, fromEpochs: 1, toEpochs: 2, scheduleEpochs: 2 },
    ]);
  });

  test("--epochs 2 on a constant-rate run: continues at the same rate", async () => {
    const out = fresh();
    await ok(out, "--epochs", "1", "--schedule", "constant", ...SMALL);
    const run = await ok(out, "--resume", "--epochs", "2");
    expect(run.stdout).toContain(
      "extending the run from 1 to 2 epochs at the constant rate 0.001\n",
    );
    const m = metricsOf(out);
    expect(m.config).toMatchObject({ epochs: 2, schedule: "constant", scheduleEpochs: null });
    expect(m.epochs.flatMap((e) => [e.lrStart, e.lrEnd])).toEqual([0.001, 0.001, 0.001, 0.001]);
  });

  test("with metrics.json and model.safetensors gone: rebuilt from the checkpoint", async () => {
    const out = copyOf(twoEpochs);
    rmSync(join(out, "metrics.json"));
    rmSync(join(out, "model.safetensors"));
    await ok(out, "--resume");
    expect(expectConsistent(out)).toBe(2);
    expectSameRun(twoEpochs, out);
  });

  test("metrics.json records the backend per epoch and keeps it out of the run's identity", async () => {
    const out = fresh();
    await ok(out, "--epochs", "1", "--schedule-epochs", "2", "--threads", "1", ...SMALL);
    await ok(out, "--resume", "--epochs", "2", "--backend", "js");
    const m = metricsOf(out);
    expect(m.config).not.toHaveProperty("backend");
    expect(m.epochs.map((e) => e.backend)).toEqual([
      expect.stringMatching(/^wasm \((plain|relaxed) SIMD, 1 thread\)$/),
      "js",
    ]);
  });
});
