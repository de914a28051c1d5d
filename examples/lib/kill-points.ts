/**
 * Named places where the training run can be made to die, for the crash tests:
 * `TSGRAD_KILL_AT=<point>` (or `<point>:<n>`, the n-th time it is reached) makes the process
 * print `kill point <point> reached` on stderr and SIGKILL itself there — no cleanup, no
 * `finally`, exactly like a power cut or the OOM killer. `TSGRAD_STOP_AT=<point>` instead prints
 * `stopped at <point>` and SIGSTOPs the process, so that a test can look at the folder at that
 * moment and then let the run go on (SIGCONT).
 */
import { writeSync } from "node:fs";
import { UsageError } from "./cli.js";

/** The files of a run folder, each written atomically (a temporary file, then a rename). */
export const RUN_FILES = {
  checkpoint: "checkpoint.safetensors",
  metrics: "metrics.json",
  model: "model.safetensors",
  curves: "curves.svg",
  confusion: "confusion.svg",
} as const;

/** Short name of a run file (`metrics`, `model`, …). */
export type RunFile = keyof typeof RUN_FILES;

/**
 * Every kill point, in the order a run reaches them. Each epoch commits checkpoint, metrics,
 * model, curves, confusion in that order.
 * - `restored`: at start, after a killed run's temporary files are removed and a resumed run's
 *   files are rewritten to its checkpoint's epoch, before any training;
 * - `mid-epoch`: after the middle training step of an epoch;
 * - `<file>-partial`: while writing that file, when half its bytes are in the temporary file
 *   (also during a resume's rewrite of the files);
 * - `checkpoint-written`: the epoch is committed, none of the files derived from it is written;
 * - `epoch-end`: every file of the epoch is written.
 */
export const KILL_POINTS = [
  "restored",
  "mid-epoch",
  "checkpoint-partial",
  "checkpoint-written",
  "metrics-partial",
  "model-partial",
  "curves-partial",
  "confusion-partial",
  "epoch-end",
] as const;

/** One of {@link KILL_POINTS}. */
export type KillPoint = (typeof KILL_POINTS)[number];

interface Armed {
  point: KillPoint;
  occurrence: number;
  reached: number;
}

function arm(variable: string, env: NodeJS.ProcessEnv): Armed | null {
  const spec = env[variable];
  if (spec === undefined || spec === "") return null;
  const m = /^([a-z-]+)(?::(\d+))?$/.exec(spec);
  const point = KILL_POINTS.find((p) => p === m?.[1]);
  if (m === null || point === undefined || m[2] === "0") {
    throw new UsageError(
      `${variable}=${spec}: expected <point> or <point>:<n ≥ 1>, the point one of ${KILL_POINTS.join(", ")}`,
    );
  }
  return { point, occurrence: Number(m[2] ?? 1), reached: 0 };
}

const fires = (armed: Armed | null, point: KillPoint): boolean =>
  armed !== null && armed.point === point && ++armed.reached === armed.occurrence;

/** Dies (or stops) at the points named by `TSGRAD_KILL_AT` and `TSGRAD_STOP_AT`. */
export class KillSwitch {
  private constructor(
    private readonly kill: Armed | null,
    private readonly stop: Armed | null,
  ) {}

  /** The switch the environment asks for (inert when unset); `UsageError` for an unknown point. */
  static fromEnv(env: NodeJS.ProcessEnv): KillSwitch {
    return new KillSwitch(arm("TSGRAD_KILL_AT", env), arm("TSGRAD_STOP_AT", env));
  }

  /** Marks `point` as reached; SIGKILLs or SIGSTOPs the process if it is armed there. */
  at(point: KillPoint): void {
    if (fires(this.stop, point)) {
      writeSync(2, `stopped at ${point}\n`);
      process.kill(process.pid, "SIGSTOP");
    }
    if (fires(this.kill, point)) {
      writeSync(2, `kill point ${point} reached\n`);
      process.kill(process.pid, "SIGKILL");
      // the signal may take a moment to land: do nothing more until it does
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
  }
}
