import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const root = join(import.meta.dirname, "..", "..");

/** What a finished example run left behind. */
export interface ExampleRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of an example run: ours, minus npm's variables (under `npm test`, npm's own
 * `npm_config_*` would look like flags swallowed by `npm run`), plus `extra`.
 */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith("npm_") && !(key in extra)) delete env[key];
  }
  return env;
}

/** tsx, with the workspace packages resolved to their sources ("@tsgrad/source" condition). */
const argvOf = (name: string, args: readonly string[]) => [
  "--conditions=@tsgrad/source",
  "--import",
  "tsx",
  join(root, "examples", `${name}.ts`),
  ...args,
];

/** Runs `examples/<name>.ts` with tsx and returns its exit status and output. */
export function runExample(
  name: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): ExampleRun {
  const run = spawnSync(process.execPath, argvOf(name, args), {
    cwd: root,
    encoding: "utf8",
    env: envWith(env),
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** Options of {@link spawnExample}. */
export interface SpawnOptions {
  env?: Record<string, string>;
  /**
   * Called once the run has stopped itself at `TSGRAD_STOP_AT` (it is then SIGSTOPped, so the
   * folder holds still); the run is continued (SIGCONT) when this returns.
   */
  onStop?: () => void;
}

/** Whether process `pid` is stopped (Linux: state T in /proc/<pid>/stat). */
function isStopped(pid: number): boolean {
  try {
    return / T /.test(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\)/, ""));
  } catch {
    return false;
  }
}

let running = 0;
const waiting: (() => void)[] = [];

/**
 * Like {@link runExample}, without blocking: at most `TSGRAD_EXAMPLE_JOBS` (default 2, the
 * cores of the CI machine) runs at a time across the test file, the rest queue.
 */
export async function spawnExample(
  name: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): Promise<ExampleRun> {
  const jobs = Number(process.env["TSGRAD_EXAMPLE_JOBS"] ?? 2);
  if (running >= jobs) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<ExampleRun>((resolve, reject) => {
      const child = spawn(process.execPath, argvOf(name, args), {
        cwd: root,
        env: envWith(options.env ?? {}),
      });
      let [stdout, stderr, stopped] = ["", "", false];
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stopped || options.onStop === undefined || !/^stopped at \S+$/m.test(stderr)) return;
        stopped = true;
        const poll = setInterval(() => {
          if (!isStopped(child.pid!)) return;
          clearInterval(poll);
          try {
            options.onStop!();
          } catch (e) {
            child.kill("SIGKILL");
            reject(e as Error);
          }
          child.kill("SIGCONT");
        }, 5);
      });
      child.on("error", reject);
      child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}
