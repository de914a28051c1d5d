/**
 * Crash tests of the training example: the run SIGKILLs itself at each named kill point
 * (`TSGRAD_KILL_AT`). After each, every file left must load; the next start (a plain `--resume`)
 * is stopped right after it has tidied the folder, which must then be consistent — every file at
 * the checkpoint's epoch, no temporary files — and, let go on, it must end byte-identical to a run
 * that was never interrupted. Tiny random data, so that this takes seconds: 2 epochs of 2 steps.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tempFiles } from "../lib/files.js";
import { KILL_POINTS, type KillPoint } from "../lib/kill-points.js";
import {
  expectConsistent,
  expectLoadable,
  expectOneErrorLine,
  expectSameRun,
} from "./run-checks.js";
import { spawnExample, type ExampleRun } from "./run-example.js";
import { writeTinyFashionMNIST } from "./tiny-data.js";

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrad-kill-"));
  dirs.push(dir);
  return dir;
};
const data = writeTinyFashionMNIST(tmp(), 40, 30);
const RUN = ["--epochs", "2", "--limit", "20", "--test-limit", "20", "--batch-size", "10"];
const train = (out: string, args: readonly string[], killAt?: string): Promise<ExampleRun> =>
  spawnExample("fashion-mnist-convnet", [...args, "--data", data, "--out", out], {
    env: killAt ? { TSGRAD_KILL_AT: killAt } : {},
  });

/** Asserts that the run died by SIGKILL at `point`, and not earlier or elsewhere. */
function expectKilledAt(run: ExampleRun, point: KillPoint): void {
  expect(run.stderr.trim(), run.stdout).toBe(`kill point ${point} reached`);
  expect(run.signal).toBe("SIGKILL");
}

/**
 * Starts the run again with `args`; when it has tidied the folder (the `restored` point) checks
 * the folder there and, if `epoch` is given, that it is consistent at that epoch. Then lets the
 * run finish, and checks that it ended like the uninterrupted one.
 */
async function restartAndFinish(out: string, args: readonly string[], epoch: number | null) {
  let checked = false;
  const run = await spawnExample("fashion-mnist-convnet", [...args, "--data", data, "--out", out], {
    env: { TSGRAD_STOP_AT: "restored" },
    onStop: () => {
      expect(tempFiles(out)).toEqual([]);
      if (epoch === null) expect(expectLoadable(out)).toEqual([]);
      else expect(expectConsistent(out)).toBe(epoch);
      checked = true;
    },
  });
  expect(run.stderr).toBe("stopped at restored\n");
  expect(run.status).toBe(0);
  expect(checked).toBe(true);
  expect(expectConsistent(out)).toBe(2);
  expectSameRun(straight, out);
}

let straight: string;
beforeAll(async () => {
  straight = tmp();
  const run = await train(straight, RUN);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expectConsistent(straight);
}, 120_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Where a kill at `point` in epoch 2 leaves the checkpoint: before or after its commit. */
const committedEpoch = (point: KillPoint): number =>
  point === "mid-epoch" || point === "checkpoint-partial" ? 1 : 2;
const epochPoints = KILL_POINTS.filter((p) => p !== "restored");

describe.concurrent("the training run survives SIGKILL at every kill point", () => {
  test("at least 6 kill points, each exercised below", () => {
    expect(KILL_POINTS.length).toBeGreaterThanOrEqual(6);
    // "restored" is where every restart below stops to be checked, and where one is killed
    expect(epochPoints).toHaveLength(KILL_POINTS.length - 1);
  });

  for (const point of epochPoints) {
    test(`killed at ${point} in epoch 2: loadable; consistent on resume; then identical`, async () => {
      const out = tmp();
      expectKilledAt(await train(out, RUN, `${point}:2`), point);
      expect(expectLoadable(out)).toContain("checkpoint");
      expect(tempFiles(out)).toHaveLength(point.endsWith("-partial") ? 1 : 0);
      await restartAndFinish(out, ["--resume"], committedEpoch(point));
    });
  }

  test("killed again while a resume rewrites the folder, and at restored: still identical", async () => {
    const out = tmp();
    expectKilledAt(await train(out, RUN, "checkpoint-written:2"), "checkpoint-written");
    expectKilledAt(await train(out, ["--resume"], "curves-partial"), "curves-partial");
    expect(tempFiles(out)).toHaveLength(1);
    expectLoadable(out);
    expectKilledAt(await train(out, ["--resume"], "restored"), "restored");
    await restartAndFinish(out, ["--resume"], 2);
  });

  test("killed before the first commit: --resume says so in one line; a new start runs clean", async () => {
    const out = tmp();
    expectKilledAt(await train(out, RUN, "checkpoint-partial:1"), "checkpoint-partial");
    expect(expectLoadable(out)).toEqual([]);
    expect(tempFiles(out)).toHaveLength(1);
    const resume = await train(out, ["--resume"]);
    expect(resume.status).toBe(1);
    expect(expectOneErrorLine(resume.stderr)).toMatch(/^error: --resume: no checkpoint at /);
    await restartAndFinish(out, RUN, null);
  });
});
