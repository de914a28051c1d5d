// `npm run build`: every package to its dist/ — ESM .js, .d.ts, declaration and source maps — with
// tsc -b (tsconfig.build.json, options in tsconfig.lib.json). The sources already import with .js
// extensions, so tsc's output is what Node and bundlers load as is, in the same layout as src/ (the
// pool's worker entries and their loop, plain .mjs files, are copied beside the pools that start
// them). Always a clean build: dist/ holds nothing from files that no longer exist. Fails first
// when the generated wasm module is missing or older than the kernel sources.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sourceHash } from "../packages/core/scripts/wasm-source-hash.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "nn", "optim", "datasets"];
const core = join(root, "packages", "core");

/** The wasm kernels are embedded in a generated module: it must exist and match the sources. */
function checkGeneratedKernels() {
  const file = join(core, "src", "backend", "wasm", "generated", "kernels.ts");
  const rebuild = "run `node packages/core/scripts/build-wasm.mjs` (npm ci does it)";
  if (!existsSync(file)) throw new Error(`build: ${file} is missing: ${rebuild}`);
  const built = /export const sourceHash = "([0-9a-f]+)"/.exec(readFileSync(file, "utf8"))?.[1];
  const current = sourceHash(join(core, "assembly"));
  if (built !== current) {
    throw new Error(
      `build: ${file} is stale (built from kernel sources ${built}, now ${current}): ${rebuild}`,
    );
  }
}

export function build() {
  const t0 = performance.now();
  checkGeneratedKernels();
  for (const name of PACKAGES)
    rmSync(join(root, "packages", name, "dist"), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  if (run.status !== 0) throw new Error(`build: tsc -b failed (exit ${run.status})`);
  for (const entry of ["pool-loop.mjs", "pool-worker.mjs", "pool-worker-web.mjs"]) {
    const file = join("backend", "wasm", entry);
    copyFileSync(join(core, "src", file), join(core, "dist", file));
  }
  for (const name of PACKAGES) rmSync(join(root, "packages", name, "dist", ".tsbuildinfo"));
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`built ${PACKAGES.map((n) => `@tsgrad/${n}`).join(", ")} to dist/ in ${s} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    build();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
