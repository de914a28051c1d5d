// `npm run pack:check`: the packages as a user gets them. Builds (scripts/build.mjs), packs each
// package with `npm pack`, installs the four tarballs — and nothing from the registry — into a
// fresh project outside the repository, and there:
//   1. checks every `exports` target of every package is in its tarball;
//   2. runs `node consumer.mjs` (plain Node, no tsx): a tiny convnet trains a few steps on the
//      wasm backend's worker pool, IDX data is read, the model round-trips through safetensors;
//   3. type-checks consumer.ts, strict and with skipLibCheck off, under moduleResolution "bundler"
//      (DOM, no Node types) and "node16" (an ESM consumer with Node's types);
//   4. bundles browser.mjs (core, nn, optim, datasets) with esbuild for the browser platform with
//      nothing external — a Node built-in anywhere in the graph fails the build — and runs it,
//      and minimal.mjs (two functions of core: tree-shaking must keep what they need) too;
//   5. builds the same entry with Vite, no configuration, and checks and runs that too.
// The fixtures are in scripts/pack-check/. `--keep` leaves the project folder for a look.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "./build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(root, "scripts", "pack-check");
const require = createRequire(import.meta.url);
const PACKAGES = ["core", "nn", "optim", "datasets"];
/** Files that must never reach a browser bundle. */
const NODE_ONLY = new RegExp(
  "@tsgrad/(core/dist/(index\\.node|backend/node-default|backend/wasm/pool-node)|" +
    "nn/dist/safetensors-node|datasets/dist/(node|idx-node|locate|download|mnist))\\.js$",
);

/**
 * The environment of everything run in the consumer project: without npm's variables (npm would
 * read them as its configuration) and without the monorepo's "@tsgrad/source" condition, which
 * would send Node to the TypeScript sources instead of dist/.
 */
function consumerEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("npm_")) delete env[key];
  const options = (env["NODE_OPTIONS"] ?? "")
    .replace(/--conditions[= ]@tsgrad\/source/g, "")
    .trim();
  if (options === "") delete env["NODE_OPTIONS"];
  else env["NODE_OPTIONS"] = options;
  return env;
}

/** Runs a command, failing with its output when it fails. */
function run(what, command, args, options) {
  const r = spawnSync(command, args, { encoding: "utf8", ...options });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${output}`);
  }
  return r.stdout;
}

/** Every file path an `exports` map can lead to. */
function exportTargets(value) {
  if (typeof value === "string") return [value];
  return Object.values(value).flatMap(exportTargets);
}

function tsconfig(resolution) {
  const bundler = resolution === "bundler";
  return {
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      target: "ES2022",
      module: bundler ? "ESNext" : "Node16",
      moduleResolution: bundler ? "Bundler" : "Node16",
      // a browser app has the DOM and no Node; a Node app has Node's types and no DOM
      lib: bundler ? ["ES2022", "DOM"] : ["ES2022"],
      types: bundler ? [] : ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      verbatimModuleSyntax: true,
    },
    files: ["consumer.ts"],
  };
}

async function packCheck(keep) {
  const times = [];
  let t = performance.now();
  const lap = (name) => {
    const now = performance.now();
    times.push(`${name} ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };

  build();
  lap("build");

  const project = mkdtempSync(join(tmpdir(), "tsgrad-pack-check-"));
  try {
    const tarballs = join(project, "tarballs");
    mkdirSync(tarballs);
    const workspaces = PACKAGES.flatMap((p) => ["--workspace", `packages/${p}`]);
    const packed = JSON.parse(
      run("npm pack", "npm", ["pack", ...workspaces, "--pack-destination", tarballs, "--json"], {
        cwd: root,
        env: consumerEnv(),
      }),
    );
    for (const p of packed) {
      const files = new Set(p.files.map((f) => f.path));
      for (const must of [
        "package.json",
        "README.md",
        "LICENSE",
        "dist/index.js",
        "dist/index.d.ts",
      ]) {
        if (!files.has(must)) throw new Error(`${p.name}: ${must} is not in the tarball`);
      }
      const stray = [...files].filter((f) => /(^|\/)test\/|\.tsbuildinfo$|\.test\.|\.tgz$/.test(f));
      if (stray.length > 0) throw new Error(`${p.name}: should not ship ${stray.join(", ")}`);
    }
    lap("pack");

    const dependencies = Object.fromEntries(
      packed.map((p) => [p.name, `file:./tarballs/${p.filename}`]),
    );
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2),
    );
    // --offline: the four tarballs are all it may install (@tsgrad/core satisfies the others)
    run(
      "npm install (the tarballs only)",
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund"],
      {
        cwd: project,
        env: consumerEnv(),
      },
    );
    for (const name of PACKAGES) {
      const dir = join(project, "node_modules", "@tsgrad", name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      for (const target of exportTargets(manifest.exports)) {
        if (!existsSync(join(dir, target))) {
          throw new Error(`@tsgrad/${name}: exports names ${target}, which the tarball lacks`);
        }
      }
    }
    // the pools' worker entries and their loop, plain .mjs files beside the pools that start them
    const wasmDir = join(project, "node_modules", "@tsgrad", "core", "dist", "backend", "wasm");
    for (const entry of ["pool-loop.mjs", "pool-worker.mjs", "pool-worker-web.mjs"]) {
      if (!existsSync(join(wasmDir, entry))) {
        throw new Error(`@tsgrad/core: ${entry} is not beside the thread pools in dist/`);
      }
    }
    lap("install");

    for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));
    const node = run("node consumer.mjs", process.execPath, ["consumer.mjs"], {
      cwd: project,
      env: { ...consumerEnv(), TSGRAD_THREADS: "2", TSGRAD_BACKEND: "" },
    });
    lap("node consumer");

    const tsc = require.resolve("typescript/bin/tsc");
    for (const resolution of ["bundler", "node16"]) {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(join(project, config), JSON.stringify(tsconfig(resolution), null, 2));
      run(`tsc (moduleResolution ${resolution})`, process.execPath, [tsc, "-p", config], {
        cwd: project,
        env: consumerEnv(),
      });
    }
    lap("tsc ×2");

    const esbuild = require("esbuild");
    const outdir = join(project, "out");
    let result;
    try {
      result = await esbuild.build({
        absWorkingDir: project,
        entryPoints: ["browser.mjs", "minimal.mjs"],
        bundle: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        outdir,
        metafile: true,
        logLevel: "silent",
      });
    } catch (e) {
      const messages = (e.errors ?? []).map((m) => `  ${m.location?.file ?? ""}: ${m.text}`);
      throw new Error(`esbuild (platform browser) failed:\n${messages.join("\n") || e.message}`);
    }
    const inputs = Object.keys(result.metafile.inputs);
    const nodeOnly = inputs.filter((f) => f.startsWith("node:") || NODE_ONLY.test(f));
    if (nodeOnly.length > 0) {
      throw new Error(`the browser bundle pulled in Node-only code: ${nodeOnly.join(", ")}`);
    }
    const { bytes, inputs: browserInputs } = result.metafile.outputs["out/browser.js"];
    const browser = run("the browser bundle", process.execPath, [join(outdir, "browser.js")], {
      cwd: project,
      env: consumerEnv(),
    });
    const minimal = run("the minimal bundle", process.execPath, [join(outdir, "minimal.js")], {
      cwd: project,
      env: consumerEnv(),
    });
    lap("esbuild");

    const vite = await import("vite");
    const built = await vite.build({
      root: project,
      configFile: false,
      logLevel: "silent",
      build: {
        outDir: join(project, "out-vite"),
        minify: false,
        lib: { entry: join(project, "browser.mjs"), formats: ["es"], fileName: "browser" },
      },
    });
    const chunk = (Array.isArray(built) ? built[0] : built).output.find((c) => c.type === "chunk");
    // Vite swaps a Node built-in for an empty "__vite-browser-external" module (with a warning)
    const viteNode = chunk.moduleIds.filter(
      (m) => /browser-external|^node:/.test(m) || NODE_ONLY.test(m),
    );
    if (viteNode.length > 0) {
      throw new Error(`the Vite bundle pulled in Node-only code: ${viteNode.join(", ")}`);
    }
    const viteRun = run(
      "the Vite bundle",
      process.execPath,
      [join(project, "out-vite", chunk.fileName)],
      {
        cwd: project,
        env: consumerEnv(),
      },
    );
    lap("vite");

    const sizes = packed.map((p) => `${p.name} ${(p.size / 1024).toFixed(0)} KiB`).join(", ");
    console.log(`tarballs: ${sizes}`);
    console.log(node.trim());
    console.log("consumer.ts: strict, skipLibCheck off, type-checks under bundler and node16");
    console.log(
      `${browser.trim()}; ${Object.keys(browserInputs).length} modules, ${(bytes / 1024).toFixed(0)} KiB, no Node built-in`,
    );
    console.log(`${minimal.trim()} (esbuild, tree-shaken)`);
    console.log(`${viteRun.trim()} (Vite); ${chunk.moduleIds.length} modules after tree-shaking`);
    console.log(`pack:check passed (${times.join(", ")})`);
  } finally {
    if (keep) console.log(`kept ${project}`);
    else rmSync(project, { recursive: true, force: true });
  }
}

try {
  await packCheck(process.argv.includes("--keep"));
} catch (e) {
  console.error(`pack:check: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
