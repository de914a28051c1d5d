/**
 * Runs one configuration as a child process and returns what it reported: a Node child
 * (`child.ts` under tsx) for the JavaScript frameworks, `/usr/bin/python3 pytorch-peer.py` for
 * PyTorch. Each child is its own process so its peak RSS is its own framework's.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchConfig, Requirement } from "./configs.js";
import { parseChildOutput, type ChildResult } from "./protocol.js";

/** A child that crashed or printed no result line. */
export interface Failed {
  readonly kind: "failed";
  readonly reason: string;
}

/** What one trial produced. */
export type TrialResult = ChildResult | Failed;

/** Options shared by every trial of a run. */
export interface TrialOptions {
  readonly steps: number;
  readonly batch: number;
  /** Extra Node flags for the Node children (e.g. `--experimental-wasm-relaxed-simd`). */
  readonly nodeFlags: readonly string[];
  /** Environment for every child (e.g. `TSGRAD_SIMD`). */
  readonly env: Readonly<Record<string, string>>;
  /** Wall-clock limit per child, in seconds. */
  readonly timeoutS: number;
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const REPO_ROOT = here("..");
const PYTHON = "/usr/bin/python3";

/** Whether a peer install is present; the reason to show when it is not. */
export function missingRequirement(req: Requirement | undefined): string | null {
  if (req === "bench-peers") {
    const peers = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@jax-js/jax"];
    const missing = peers.filter((p) => !existsSync(here(`node_modules/${p}/package.json`)));
    return missing.length === 0 ? null : "not installed: run `npm run bench:setup`";
  }
  if (req === "torch") {
    const probe = spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return probe.status === 0
      ? null
      : `no PyTorch for ${PYTHON}: \`apt-get install python3-torch\` (Debian)`;
  }
  return null;
}

/** Command and arguments that run one trial of `config`. */
function commandFor(config: BenchConfig, steps: number, opts: TrialOptions): [string, string[]] {
  if (config.runner === "pytorch") {
    const args = [
      here("pytorch-peer.py"),
      ...["--batch", `${opts.batch}`, "--steps", `${steps}`],
      ...["--warmup", `${config.warmup}`, "--threads", `${config.threads}`],
    ];
    return [PYTHON, args];
  }
  const tsx = import.meta.resolve("tsx");
  const args = [
    ...opts.nodeFlags,
    "--conditions=@tsgrad/source", // the workspace packages from their sources, as in the tests
    ...["--import", tsx, here("child.ts")],
    ...["--config", config.name, "--steps", `${steps}`, "--batch", `${opts.batch}`],
  ];
  return [process.execPath, args];
}

/**
 * The line of a child's output that says what went wrong: the last `SomethingError: …` line, else
 * the last line that is neither a stack frame nor Node's closing `Node.js vX` line; shortened.
 */
function errorLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("at ") && !/^Node\.js v\d/.test(l));
  const error = lines.filter((l) => /^[\w.[\] ]*(Error|Exception)\b/.test(l)).pop();
  return (error ?? lines.pop() ?? "no output").slice(0, 200);
}

/** Runs one trial of `config` in a fresh process and returns its result. */
export function runTrial(config: BenchConfig, opts: TrialOptions): TrialResult {
  const steps = Math.min(opts.steps, config.maxSteps ?? Infinity);
  const [command, args] = commandFor(config, steps, opts);
  const child = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, ...config.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutS * 1000,
  });
  if (child.error !== undefined) {
    const timedOut = (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
    return {
      kind: "failed",
      reason: timedOut ? `timed out after ${opts.timeoutS} s` : child.error.message,
    };
  }
  const result = parseChildOutput(child.stdout);
  if (child.status === 0 && result !== null) return result;
  const how = child.signal === null ? `exit ${child.status}` : `killed by ${child.signal}`;
  return { kind: "failed", reason: `${how}: ${errorLine(`${child.stdout}\n${child.stderr}`)}` };
}
