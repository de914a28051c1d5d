/**
 * The benchmark driver (`npm run bench`): training steps of the reference convnet at batch 100 in
 * tsgrad and its peers, and tsgrad's GEMM, each configuration in its own child process, in
 * interleaved rounds (this machine is shared and noisy: compare ratios within one run). Writes the
 * tables and the exact command into bench/RESULTS.md.
 *
 *   npm run bench -- [--rounds 3] [--steps 10] [--batch 100] [--only name,...] [--tfjs-cpu]
 *                    [--simd relaxed|plain] [--single-threaded-gc] [--timeout 900] [--no-write]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ALL_CONFIGS, GEMM_CONFIGS, STEP_CONFIGS, type BenchConfig } from "./configs.js";
import { renderReport, writeResults, type ConfigOutcome } from "./report.js";
import { missingRequirement, runTrial, type TrialResult } from "./run-child.js";

const USAGE = `usage: npm run bench -- [options]
  --rounds N        interleaved rounds over all configurations (default 3)
  --steps N         timed training steps per trial, after warm-up (default 10; slow peers capped)
  --batch N         batch size (default 100)
  --only a,b,...    run only these configurations (names below)
  --tfjs-cpu        include TensorFlow.js cpu (pure JS, ≈ 2.5 samples/s: 1 timed step)
  --simd V          tsgrad's wasm build: relaxed (default; fused multiply-add, what browsers and
                    Node ≥ 22 load; Node 20 children get --experimental-wasm-relaxed-simd) or plain
  --single-threaded-gc  start Node children with V8's --single-threaded-gc (no background GC
                    threads competing with the worker pool: faster on 2 cores, more memory)
  --timeout S       limit per child process in seconds (default 900)
  --no-write        print the tables only; leave bench/RESULTS.md alone
configurations: ${ALL_CONFIGS.map((c) => c.name).join(", ")}`;

/** Prints one usage error line and exits 2. */
function usageError(message: string): never {
  console.error(`error: ${message} (--help for usage)`);
  process.exit(2);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        rounds: { type: "string", default: "3" },
        steps: { type: "string", default: "10" },
        batch: { type: "string", default: "100" },
        only: { type: "string" },
        "tfjs-cpu": { type: "boolean", default: false },
        simd: { type: "string", default: "relaxed" },
        "single-threaded-gc": { type: "boolean", default: false },
        timeout: { type: "string", default: "900" },
        "no-write": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    return usageError((e as Error).message.split("\n")[0]!);
  }
}

/** A positive integer flag value, or a usage error naming the flag. */
function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    usageError(`--${flag} must be a positive integer, got '${text}'`);
  return n;
}

/** The configurations to run: `--only`'s list (validated), else the defaults plus opted-in ones. */
function selectConfigs(only: string | undefined, tfjsCpu: boolean): BenchConfig[] {
  if (only === undefined) {
    return ALL_CONFIGS.filter((c) => !c.optional || (c.name === "tfjs-cpu" && tfjsCpu));
  }
  const names = only.split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !ALL_CONFIGS.some((c) => c.name === n));
  if (unknown.length > 0) {
    usageError(
      `--only: unknown configuration '${unknown.join("', '")}'; known: ${ALL_CONFIGS.map((c) => c.name).join(", ")}`,
    );
  }
  return ALL_CONFIGS.filter((c) => names.includes(c.name) || (c.name === "tfjs-cpu" && tfjsCpu));
}

/** One line per trial, as it finishes. */
function progressLine(round: number, rounds: number, config: BenchConfig, r: TrialResult): string {
  const head = `[${round}/${rounds}] ${config.name.padEnd(15)}`;
  switch (r.kind) {
    case "step":
      return `${head} ${r.samplesPerSecond.toFixed(1)} samples/s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB (${r.ran})`;
    case "gemm":
      return `${head} ${r.points.map((p) => p.gflops.toFixed(1)).join(" / ")} GFLOP/s (${r.ran})`;
    case "unavailable":
      return `${head} unavailable: ${r.reason}`;
    case "failed":
      return `${head} failed: ${r.reason}`;
  }
}

const flags = parseFlags();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const rounds = positiveInt("rounds", flags.rounds);
const steps = positiveInt("steps", flags.steps);
const batch = positiveInt("batch", flags.batch);
const timeoutS = positiveInt("timeout", flags.timeout);
const selected = selectConfigs(flags.only, flags["tfjs-cpu"]);
if (flags.simd !== "relaxed" && flags.simd !== "plain") {
  usageError(`--simd must be relaxed or plain, got '${flags.simd}'`);
}
// Node 20's V8 has relaxed SIMD behind a flag (on by default from Node 22); every Node child gets
// the same flags, peers included
const nodeMajor = Number(process.versions.node.split(".")[0]);
// V8's background GC threads free the step's result buffers on the cores the worker pool
// computes on; --single-threaded-gc keeps them on the main thread (2 threads: 1.26× faster steps
// here, but about twice the peak RSS in training), so it is an option, off like `npm run train`
const nodeFlags = [
  ...(flags.simd === "relaxed" && nodeMajor < 22 ? ["--experimental-wasm-relaxed-simd"] : []),
  ...(flags["single-threaded-gc"] ? ["--single-threaded-gc"] : []),
];
const env = { TSGRAD_SIMD: flags.simd };

const loadAtStart = loadavg()[0]!;

// Configurations whose peer is not installed are reported once, not run.
const trials = new Map<BenchConfig, TrialResult[]>(selected.map((c) => [c, []]));
const runnable: BenchConfig[] = [];
for (const config of selected) {
  const missing = missingRequirement(config.requires);
  if (missing === null) runnable.push(config);
  else trials.get(config)!.push({ kind: "unavailable", reason: missing });
}
if (selected.some((c) => c.requires === "bench-peers" && !runnable.includes(c))) {
  console.log(
    "bench: TensorFlow.js and jax-js are not installed; run `npm run bench:setup` to include them",
  );
}

for (let round = 1; round <= rounds; round++) {
  for (const config of [...runnable]) {
    const result = runTrial(config, { steps, batch, nodeFlags, env, timeoutS });
    trials.get(config)!.push(result);
    console.log(progressLine(round, rounds, config, result));
    // A configuration that cannot load here will not load next round either.
    if (result.kind === "unavailable") runnable.splice(runnable.indexOf(config), 1);
  }
}

const outcomes = (configs: readonly BenchConfig[]): ConfigOutcome[] =>
  configs.filter((c) => trials.has(c)).map((config) => ({ config, trials: trials.get(config)! }));
const cpu = cpus()[0];
const busiest = Math.max(loadAtStart, loadavg()[0]!);
const report = await renderReport(outcomes(STEP_CONFIGS), outcomes(GEMM_CONFIGS), {
  command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])]
    .join(" ")
    .trim(),
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  machine:
    `${cpus().length} × ${cpu?.model.trim() ?? "unknown CPU"}` +
    `${cpu !== undefined && cpu.speed > 0 ? ` at ${cpu.speed} MHz` : ""}, ` +
    `Node ${process.versions.node}${nodeFlags.length > 0 ? ` ${nodeFlags.join(" ")}` : ""}, ` +
    `load average ${loadAtStart.toFixed(2)} at the start and ${loadavg()[0]!.toFixed(2)} at the end`,
  rounds,
  steps,
  batch,
  ...(busiest > cpus().length && {
    warning:
      `The machine was busy (load average up to ${busiest.toFixed(1)} on ${cpus().length} cores): ` +
      "other processes shared the cores, so rates, and above all multi-threaded ones, are unreliable.",
  }),
});
console.log(`\n${report}`);
if (!flags["no-write"]) console.log(`wrote ${writeResults(report)}`);
