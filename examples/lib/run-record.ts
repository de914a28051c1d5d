/**
 * What a training run is and what it did: its configuration (the run's identity, which a resume
 * must not change), one record per finished epoch, and the extensions of its length. The
 * checkpoint carries this record; `metrics.json` and the plots are drawn from it.
 */
import { DataError } from "@tsgrad/core";
import type { TopLevelSpec } from "vega-lite";
import { confusionChart, lineChart } from "./plots.js";

/** The learning-rate schedules of the training example. */
export const SCHEDULES = ["cosine", "constant"] as const;

/** The configuration that defines a run; `--backend` is deliberately not part of it. */
export interface RunConfig {
  /** Epochs to train in total (grows when a resume extends the run). */
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  schedule: (typeof SCHEDULES)[number];
  /** Length of the cosine in epochs; `null` for the constant schedule. */
  scheduleEpochs: number | null;
  /** Training images used (the first N), or `null` for all of them. */
  limit: number | null;
  /** Test images used (the first N), or `null` for all of them. */
  testLimit: number | null;
}

/** One finished epoch, as it ran. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Learning rate of the epoch's first and last training step. */
  lrStart: number;
  lrEnd: number;
  /** Wall time of the training steps (data loading included) and of the evaluation, apart. */
  trainSeconds: number;
  evalSeconds: number;
  /** Training samples per second of `trainSeconds` (evaluation excluded). */
  samplesPerSecond: number;
  /** The backend that ran the epoch. */
  backend: string;
  /** Memory at the epoch's end (see {@link MemoryRecord}). */
  memory: MemoryRecord;
}

/**
 * Memory in bytes at an epoch's end, taken after a full garbage collection when the process runs
 * with `--expose-gc` (`npm run train` does; `gc` says whether it did): the JS heap in use, memory
 * outside it (tensor storage, the wasm memory), the wasm backend's arena, and the resident set.
 */
export interface MemoryRecord {
  heapUsed: number;
  external: number;
  arenaBytes: number;
  rss: number;
  gc: boolean;
}

/** A resume that made the run longer, and what became of the schedule. */
export interface Extension {
  /** The last epoch before the extension. */
  afterEpoch: number;
  fromEpochs: number;
  toEpochs: number;
  /** The cosine's length from `afterEpoch + 1` on (`null`: constant schedule). */
  scheduleEpochs: number | null;
}

/** The run record stored in the checkpoint. */
export interface RunRecord {
  config: RunConfig;
  epochs: EpochRecord[];
  extensions: Extension[];
  /** Test confusion matrix after the last epoch (rows: actual class, columns: predicted). */
  confusion: number[][];
}

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isCountOrNull = (v: unknown): boolean => v === null || isCount(v);

/** Checks that `run` (parsed JSON from a checkpoint) is a {@link RunRecord}; `DataError` if not. */
export function readRunRecord(run: unknown, file: string): RunRecord {
  const r = run as Partial<RunRecord> | undefined;
  const c = r?.config as Partial<RunConfig> | undefined;
  const configOk =
    c !== undefined &&
    isCount(c.epochs) &&
    isCount(c.batchSize) &&
    typeof c.lr === "number" &&
    isCount(c.seed) &&
    SCHEDULES.includes(c.schedule!) &&
    isCountOrNull(c.scheduleEpochs) &&
    isCountOrNull(c.limit) &&
    isCountOrNull(c.testLimit);
  if (!configOk) {
    throw new DataError(
      `${file} does not record its run configuration (written by an older version of this example?); start a new run with another --out`,
    );
  }
  const ok =
    Array.isArray(r!.epochs) &&
    r!.epochs.every((e, i) => e?.epoch === i + 1 && typeof e.trainLoss === "number") &&
    Array.isArray(r!.extensions) &&
    Array.isArray(r!.confusion) &&
    r!.confusion.every((row) => Array.isArray(row) && row.every(isCount));
  if (!ok) throw new DataError(`${file}: the run record in its metadata is malformed`);
  return r as RunRecord;
}

/** The text of `metrics.json`: the configuration, the extensions and every epoch, as run. */
export function metricsJson(run: RunRecord): string {
  const { config, extensions, epochs } = run;
  return JSON.stringify({ config, extensions, epochs }, null, 2) + "\n";
}

/** Loss and accuracy per epoch, side by side (for `curves.svg`). */
export function curvesChart(epochs: readonly EpochRecord[]): TopLevelSpec {
  const last = epochs.at(-1)?.epoch ?? 0;
  return lineChart(
    [
      {
        yTitle: "train loss",
        points: epochs.map((e) => ({ x: e.epoch, y: e.trainLoss, series: "train loss" })),
      },
      {
        yTitle: "accuracy (%)",
        points: epochs.flatMap((e) => [
          { x: e.epoch, y: 100 * e.trainAccuracy, series: "train accuracy" },
          { x: e.epoch, y: 100 * e.testAccuracy, series: "test accuracy" },
        ]),
      },
    ],
    { title: `ConvNet1 on Fashion-MNIST after epoch ${last}`, xTitle: "epoch", integerX: true },
  );
}

/** The test confusion matrix after the last epoch (for `confusion.svg`). */
export function confusionOf(run: RunRecord, classes: readonly string[]): TopLevelSpec {
  const last = run.epochs.at(-1)!;
  const accuracy = (100 * last.testAccuracy).toFixed(2);
  const title = `Test confusion matrix after epoch ${last.epoch} (accuracy ${accuracy}%)`;
  return confusionChart(run.confusion, classes, title);
}
