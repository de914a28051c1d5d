/**
 * The training example's flags, and the rules that turn them into a run configuration: for a new
 * run, straight from the flags; for `--resume`, from the checkpoint, where a flag may repeat the
 * recorded value but not contradict it — except `--epochs`, which may extend the run.
 */
import { backendFlag, threadsFlag } from "./backends.js";
import { UsageError, type Command, type Parsed } from "./cli.js";
import { choice, integer, positive, text, toggle } from "./flags.js";
import { SCHEDULES, type Extension, type RunConfig } from "./run-record.js";

const FLAGS = {
  epochs: integer("epochs to train in total", { min: 1, default: 5 }),
  "batch-size": integer("training batch size", { min: 1, default: 100 }),
  lr: positive("Adam learning rate", { default: 0.001 }),
  seed: integer("seed for initialisation and shuffling", { min: 0, default: 0 }),
  schedule: choice("learning-rate schedule", SCHEDULES),
  "schedule-epochs": integer(
    "length of the cosine in epochs (default --epochs); give the full length to a run you will stop early",
    { min: 1 },
  ),
  limit: integer("train on the first N training images only", { min: 1 }),
  "test-limit": integer("evaluate on the first N test images only", { min: 1 }),
  backend: backendFlag,
  threads: threadsFlag,
  data: text("folder holding the Fashion-MNIST files (default: the usual places)", {
    metavar: "DIR",
  }),
  out: text("run folder", { metavar: "DIR", default: "runs/fashion-mnist-convnet" }),
  resume: toggle("continue the run in --out from its checkpoint, with its recorded settings"),
  overwrite: toggle("start a new run in --out, deleting the run that is there"),
};

/** The training command: flags, help text. */
export const TRAIN_COMMAND: Command<typeof FLAGS> = {
  usage: "npx tsx examples/fashion-mnist-convnet.ts [flags]   (or: npm run train -- [flags])",
  summary:
    "Trains the article's ConvNet1 on Fashion-MNIST with cross-entropy and Adam, and writes\n" +
    "checkpoint.safetensors, metrics.json, model.safetensors, curves.svg and confusion.svg to --out.",
  flags: FLAGS,
  notes: [
    "Resuming: --resume continues with the settings recorded in the checkpoint; --batch-size,\n" +
      "--lr, --seed, --schedule, --schedule-epochs, --limit and --test-limit may repeat them but not\n" +
      "change them (exit status 2). --epochs may extend the run: a cosine shorter than the new\n" +
      "length is stretched to it from the next epoch on (the rate an N-epoch cosine has there);\n" +
      "the epochs already run stay as they ran. --backend and --threads may change freely.",
  ],
};

/** Parsed flags of the training command. */
export type TrainFlags = Parsed<typeof FLAGS>;

/** Checks the flags that exclude each other, before anything is read. */
export function checkTrainFlags({ values }: TrainFlags): void {
  if (values.threads !== undefined && values.backend !== "wasm") {
    throw new UsageError(
      `--threads applies to --backend wasm only (got --backend ${values.backend})`,
    );
  }
  if (values.resume && values.overwrite) {
    throw new UsageError(
      "--resume and --overwrite exclude each other: continue the run, or replace it",
    );
  }
}

/** The configuration of a new run, from its flags; `UsageError` for contradictory flags. */
export function newRunConfig({ values, given }: TrainFlags): RunConfig {
  let scheduleEpochs: number | null = null;
  if (values.schedule === "constant") {
    if (given.has("schedule-epochs")) {
      throw new UsageError("--schedule-epochs applies to --schedule cosine only");
    }
  } else {
    scheduleEpochs = values["schedule-epochs"] ?? values.epochs;
    if (scheduleEpochs < values.epochs) {
      throw new UsageError(
        `--schedule-epochs ${scheduleEpochs} is shorter than --epochs ${values.epochs}: the cosine would climb back up; give at least ${values.epochs}`,
      );
    }
  }
  return {
    epochs: values.epochs,
    batchSize: values["batch-size"],
    lr: values.lr,
    seed: values.seed,
    schedule: values.schedule,
    scheduleEpochs,
    limit: values.limit ?? null,
    testLimit: values["test-limit"] ?? null,
  };
}

/** Flags that must agree with a resumed run's checkpoint, and the config field each sets. */
const IDENTITY = [
  ["batch-size", "batchSize"],
  ["lr", "lr"],
  ["seed", "seed"],
  ["schedule", "schedule"],
  ["schedule-epochs", "scheduleEpochs"],
  ["limit", "limit"],
  ["test-limit", "testLimit"],
] as const;

/** How a resumed run continues: its configuration, and the extension if `--epochs` grew it. */
export interface ResumePlan {
  config: RunConfig;
  extension: Extension | null;
  /** One line saying what an extension does to the schedule. */
  note: string | null;
}

/**
 * The configuration of a resumed run: the recorded one, checked against the flags given. A given
 * flag that differs from the record throws `UsageError` naming both values; a larger `--epochs`
 * extends the run (see {@link TRAIN_COMMAND}'s notes for the schedule rule).
 */
export function resumePlan(
  recorded: RunConfig,
  completed: number,
  { values, given }: TrainFlags,
  checkpointFile: string,
): ResumePlan {
  const show = (v: number | string | null) => (v === null ? "unset" : String(v));
  const plan = extend(recorded, completed, given.has("epochs") ? values.epochs : recorded.epochs);
  for (const [flag, key] of IDENTITY) {
    if (!given.has(flag)) continue;
    const value = values[flag] ?? null;
    // an extension may also name the cosine's new length
    if (value !== recorded[key] && value !== plan.config[key]) {
      throw new UsageError(
        `--${flag} ${show(value)} contradicts the run being resumed: its checkpoint ${checkpointFile} records --${flag} ${show(recorded[key])}; drop the flag, or start a new run in another --out`,
      );
    }
  }
  if (plan.config.epochs < recorded.epochs) {
    throw new UsageError(
      `--epochs ${plan.config.epochs} would shorten the run being resumed, planned for ${recorded.epochs} epochs in ${checkpointFile}; --epochs can only extend it`,
    );
  }
  return plan;
}

/** The plan for running `recorded` to `epochs` epochs in total, `completed` of them done. */
function extend(recorded: RunConfig, completed: number, epochs: number): ResumePlan {
  if (epochs <= recorded.epochs) {
    return { config: { ...recorded, epochs }, extension: null, note: null };
  }
  const scheduleEpochs =
    recorded.scheduleEpochs === null ? null : Math.max(recorded.scheduleEpochs, epochs);
  const extension: Extension = {
    afterEpoch: completed,
    fromEpochs: recorded.epochs,
    toEpochs: epochs,
    scheduleEpochs,
  };
  const head = `extending the run from ${recorded.epochs} to ${epochs} epochs`;
  const ran =
    completed === 1 ? "epoch 1 stays as it ran" : `epochs 1–${completed} stay as they ran`;
  const note =
    scheduleEpochs === null
      ? `${head} at the constant rate ${recorded.lr}`
      : scheduleEpochs === recorded.scheduleEpochs
        ? `${head}: the cosine keeps its length of ${scheduleEpochs} epochs`
        : `${head}: from epoch ${completed + 1} on, the rate follows a cosine stretched to ${scheduleEpochs} epochs; ${ran}`;
  return { config: { ...recorded, epochs, scheduleEpochs }, extension, note };
}
