/**
 * The command-line mistakes a user makes, each run as a real process (more parser cases, in
 * process, are in cli.test.ts): exactly one stderr line
 * starting with `error: `, no stack trace, nothing on stdout, and the documented exit status
 * (2: the command line is wrong; 1: the files are — data, checkpoint, run folder).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zeros } from "@tsgrad/core";
import { serializeSafetensors } from "@tsgrad/nn";
import { afterAll, describe, expect, test } from "vitest";
import { checkpointBytes } from "../lib/checkpoint.js";
import { expectOneErrorLine } from "./run-checks.js";
import { spawnExample } from "./run-example.js";
import { writeTinyFashionMNIST } from "./tiny-data.js";

const base = mkdtempSync(join(tmpdir(), "tsgrad-cli-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const data = writeTinyFashionMNIST(join(base, "data"), 40, 30);

/** A run folder holding `files` (name → bytes); returns its path. */
function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(dir, f), bytes);
  return dir;
}
const empty = folder("empty", {});
const misfit = folder("misfit", {
  "model.safetensors": serializeSafetensors({ "conv1.weight": zeros([3, 3]) }, null),
});
const garbage = folder("garbage", { "checkpoint.safetensors": "not a checkpoint at all" });
const plain = folder("plain", { "checkpoint.safetensors": serializeSafetensors({}, null) });
const old = folder("old", {
  "checkpoint.safetensors": serializeSafetensors(
    {},
    {
      tsgrad: JSON.stringify({
        epoch: 1,
        step: 10,
        hyperparameters: { epochs: 2 },
        scheduler: {},
        rng: { default: {}, loader: {} },
        optimizer: { paramGroups: [], scalars: {} },
      }),
    },
  ),
});
const config = {
  epochs: 2,
  batchSize: 10,
  lr: 0.001,
  seed: 0,
  schedule: "cosine" as const,
  scheduleEpochs: 2,
  limit: null,
  testLimit: null,
};
const foreign = folder("foreign", {
  "checkpoint.safetensors": checkpointBytes({
    epoch: 1,
    step: 4,
    run: { config, epochs: [], extensions: [], confusion: [] },
    scheduler: {},
    rng: { default: [1, 2, 3, 4], loader: [1, 2, 3, 4] },
    model: {},
    optimizer: { state: {}, paramGroups: [] },
  }),
});
const taken = folder("taken", { "metrics.json": "{}" });

type Case = [
  what: string,
  example: string,
  args: string[],
  status: 1 | 2,
  message: RegExp,
  env?: Record<string, string>,
];
const T = "fashion-mnist-convnet";
const CASES: Case[] = [
  ["an unknown flag", T, ["--bogus"], 2, /^error: unknown flag --bogus; accepted: --epochs, /],
  ["a misspelt flag", T, ["--bach-size", "10"], 2, /did you mean --batch-size\?/],
  ["--epochs -1", T, ["--epochs", "-1"], 2, /^error: --epochs: expected an integer ≥ 1, got -1$/],
  ["--epochs 0", T, ["--epochs", "0"], 2, /^error: --epochs: expected an integer ≥ 1, got 0$/],
  ["a flag missing its value", T, ["--epochs"], 2, /^error: --epochs needs a value: an integer/],
  ["a value that is a flag", T, ["--out", "--resume"], 2, /^error: --out needs a value/],
  ["--batch-size 0", T, ["--batch-size", "0"], 2, /^error: --batch-size: expected an integer ≥ 1/],
  ["--limit 0", T, ["--limit", "0"], 2, /^error: --limit: expected an integer ≥ 1, got 0$/],
  ["--test-limit 0", T, ["--test-limit", "0"], 2, /^error: --test-limit: expected an integer ≥ 1/],
  ["--resume=yes", T, ["--resume=yes"], 2, /^error: --resume takes no value/],
  ["a stray argument", T, ["1"], 2, /^error: unexpected argument '1'/],
  [
    "--schedule-epochs < --epochs",
    T,
    ["--epochs", "3", "--schedule-epochs", "2"],
    2,
    /give at least 3$/,
  ],
  ["--resume with --overwrite", T, ["--resume", "--overwrite"], 2, /exclude each other/],
  [
    "--backend gpu",
    T,
    ["--backend", "gpu"],
    2,
    /^error: --backend: expected one of wasm, js, got gpu$/,
  ],
  ["--threads 0", T, ["--threads", "0"], 2, /^error: --threads: expected an integer ≥ 1, got 0$/],
  [
    "--threads with --backend js",
    T,
    ["--backend", "js", "--threads", "2"],
    2,
    /^error: --threads applies to --backend wasm only \(got --backend js\)$/,
  ],
  [
    "a bad TSGRAD_KILL_AT",
    T,
    ["--out", empty],
    2,
    /^error: TSGRAD_KILL_AT=nowhere: expected/,
    { TSGRAD_KILL_AT: "nowhere" },
  ],
  [
    "npm run train --epochs 1 (npm keeps the flag)",
    T,
    ["1"],
    2,
    /^error: npm kept --epochs for itself: put the flags after "--", as in npm run train -- --epochs …$/,
    { npm_lifecycle_event: "train", npm_config_epochs: "true" },
  ],
  [
    "--limit above the data",
    T,
    ["--data", data, "--out", empty, "--limit", "41"],
    2,
    /--limit: expected an integer from 1 to 40 \(the training images there are\), got 41$/,
  ],
  [
    "missing data",
    T,
    ["--data", join(base, "nowhere"), "--out", empty],
    1,
    /^error: Fashion-MNIST not found under --data .*apt-get install dataset-fashion-mnist/,
  ],
  [
    "--resume without a checkpoint",
    T,
    ["--resume", "--out", empty],
    1,
    /^error: --resume: no checkpoint at .*start the run without --resume$/,
  ],
  [
    "--resume with metrics.json only",
    T,
    ["--resume", "--out", taken],
    1,
    /no checkpoint at .*its other files cannot be resumed without it/,
  ],
  [
    "a corrupt checkpoint",
    T,
    ["--resume", "--out", garbage],
    1,
    /^error: .*checkpoint\.safetensors/,
  ],
  [
    "a safetensors file that is no checkpoint",
    T,
    ["--resume", "--out", plain],
    1,
    /is not a tsgrad training checkpoint$/,
  ],
  [
    "a checkpoint of an older version",
    T,
    ["--resume", "--out", old],
    1,
    /does not record its run configuration/,
  ],
  [
    "a checkpoint of another model",
    T,
    ["--resume", "--data", data, "--out", foreign],
    1,
    /does not fit ConvNet1 and Adam: /,
  ],
  [
    "a folder that holds a run",
    T,
    ["--data", data, "--out", taken],
    1,
    /already holds a run \(metrics\.json\); continue it with --resume, replace it with --overwrite/,
  ],
  [
    "activations --points 1",
    "activations",
    ["--points", "1"],
    2,
    /^error: --points: expected an integer ≥ 2, got 1$/,
  ],
  [
    "autograd-basics --steps 0",
    "autograd-basics",
    ["--steps", "0"],
    2,
    /^error: --steps: expected an integer ≥ 1, got 0$/,
  ],
  [
    "custom-layer --steps -3",
    "custom-layer",
    ["--steps", "-3"],
    2,
    /^error: --steps: expected an integer ≥ 1, got -3$/,
  ],
  [
    "pooling --index past the test set",
    "pooling",
    ["--data", data, "--index", "30"],
    2,
    /^error: --index: expected an integer from 0 to 29, got 30$/,
  ],
  [
    "pooling without the data",
    "pooling",
    ["--data", join(base, "no-data")],
    1,
    /^error: Fashion-MNIST not found under --data .*apt-get install dataset-fashion-mnist/,
  ],
  [
    "conv-explained --shift past the border",
    "conv-explained",
    ["--shift", "5"],
    2,
    /^error: --shift: expected an integer from 1 to 4, got 5$/,
  ],
  [
    "feature-maps --images 11",
    "feature-maps",
    ["--images", "11"],
    2,
    /^error: --images: expected an integer from 1 to 10, got 11$/,
  ],
  [
    "feature-maps --run without a model",
    "feature-maps",
    ["--data", data, "--run", empty],
    1,
    /^error: .*model\.safetensors not found: --run takes the --out folder of examples\/fashion-mnist-convnet\.ts/,
  ],
  [
    "feature-maps --run with a model that does not fit",
    "feature-maps",
    ["--data", data, "--run", misfit],
    1,
    /^error: .*model\.safetensors does not fit ConvNet1: /,
  ],
  [
    "feature-maps --run next to a training flag",
    "feature-maps",
    ["--run", empty, "--limit", "10"],
    2,
    /^error: --limit sets up training here, which --run skips; give one$/,
  ],
];

describe.concurrent("each CLI mistake is one 'error:' line and an exit status", () => {
  for (const [what, example, args, status, message, env] of CASES) {
    test(`${example}: ${what} → exit ${status}`, async () => {
      const run = await spawnExample(example, args, { env: env ?? {} });
      expect(expectOneErrorLine(run.stderr)).toMatch(message);
      expect(run.stdout).toBe("");
      expect(run.status).toBe(status);
    });
  }

  const others = ["activations", "autograd-basics", "custom-layer"];
  for (const example of [T, ...others, "pooling", "conv-explained", "feature-maps"]) {
    test(`${example} --help prints the flags and exits 0`, async () => {
      const run = await spawnExample(example, ["--help"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: npx tsx examples\//);
      expect(run.stdout).toContain("-h, --help");
      expect(run.stdout).toContain("Exit status: 0 done, 1 runtime error");
    });
  }
});
