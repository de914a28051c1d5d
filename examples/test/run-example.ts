import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The repository root. */
export const root = join(import.meta.dirname, "..", "..");

/** Runs `examples/<name>.ts` with tsx and returns its exit status and output. */
export function runExample(
  name: string,
  args: readonly string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "examples", `${name}.ts`), ...args],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
