/** Assertions about a training run's folder, shared by the resume and crash tests. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "@tsgrad/core";
import { parseSafetensors } from "@tsgrad/nn";
import { expect } from "vitest";
import { parseCheckpoint } from "../lib/checkpoint.js";
import { tempFiles } from "../lib/files.js";
import { RUN_FILES, type RunFile } from "../lib/kill-points.js";
import {
  readRunRecord,
  type EpochRecord,
  type RunConfig,
  type Extension,
} from "../lib/run-record.js";

/** `metrics.json` as the training example writes it. */
export interface Metrics {
  config: RunConfig;
  extensions: Extension[];
  epochs: EpochRecord[];
}

const bytesOf = (t: Tensor): Buffer => {
  const a = t.dataSync();
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

const file = (dir: string, f: RunFile) => join(dir, RUN_FILES[f]);

/** The run's `metrics.json`. */
export const metricsOf = (dir: string): Metrics =>
  JSON.parse(readFileSync(file(dir, "metrics"), "utf8")) as Metrics;

/** The epoch records without their timings and memory figures, which differ from run to run. */
export const withoutTimes = (epochs: readonly EpochRecord[]) =>
  epochs.map(({ trainSeconds, evalSeconds, samplesPerSecond, memory, ...rest }) => {
    expect(memory.heapUsed).toBeGreaterThan(0);
    expect(trainSeconds).toBeGreaterThan(0);
    expect(evalSeconds).toBeGreaterThan(0);
    expect(samplesPerSecond).toBeGreaterThan(0);
    return rest;
  });

/** Every run file present parses (whatever epoch each is at). Returns the files present. */
export function expectLoadable(dir: string): RunFile[] {
  const present = (Object.keys(RUN_FILES) as RunFile[]).filter((f) => existsSync(file(dir, f)));
  for (const f of present) {
    const bytes = readFileSync(file(dir, f));
    if (f === "checkpoint") parseCheckpoint(bytes, f, (run) => readRunRecord(run, f));
    else if (f === "model") parseSafetensors(bytes, f);
    else if (f === "metrics") JSON.parse(bytes.toString("utf8"));
    else expect(bytes.toString("utf8")).toMatch(/^<svg[\s\S]*<\/svg>$/);
  }
  return present;
}

/**
 * Every run file is present, loadable and at the checkpoint's epoch, and no temporary file is
 * left. Returns that epoch.
 */
export function expectConsistent(dir: string): number {
  expect(tempFiles(dir)).toEqual([]);
  expect(expectLoadable(dir).sort()).toEqual(Object.keys(RUN_FILES).sort());
  const ckptFile = file(dir, "checkpoint");
  const ckpt = parseCheckpoint(readFileSync(ckptFile), ckptFile, (r) => readRunRecord(r, ckptFile));
  const epoch = ckpt.epoch;
  expect(ckpt.run.epochs.length).toBe(epoch);
  expect(metricsOf(dir).epochs.map((e) => e.epoch)).toEqual(ckpt.run.epochs.map((e) => e.epoch));
  expect(metricsOf(dir).epochs).toEqual(ckpt.run.epochs);
  const model = parseSafetensors(readFileSync(file(dir, "model")), "model");
  expect(model.metadata["epoch"]).toBe(String(epoch));
  expect(Object.keys(model.tensors).sort()).toEqual(Object.keys(ckpt.model).sort());
  for (const [k, t] of Object.entries(model.tensors)) {
    expect(bytesOf(t), k).toEqual(bytesOf(ckpt.model[k]!));
  }
  expect(readFileSync(file(dir, "curves"), "utf8")).toContain(`after epoch ${epoch}`);
  expect(readFileSync(file(dir, "confusion"), "utf8")).toContain(`after epoch ${epoch} `);
  return epoch;
}

/** Two finished runs ended the same: identical model, plots and metrics (timings aside). */
export function expectSameRun(a: string, b: string): void {
  for (const f of ["model", "curves", "confusion"] as const) {
    expect(Buffer.compare(readFileSync(file(a, f)), readFileSync(file(b, f))), f).toBe(0);
  }
  expect(withoutTimes(metricsOf(b).epochs)).toEqual(withoutTimes(metricsOf(a).epochs));
  expect(metricsOf(b).config).toEqual(metricsOf(a).config);
}

/** The output of a process that stopped with a usage or runtime error: one line, no trace. */
export function expectOneErrorLine(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l !== "");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}
