/**
 * One benchmark trial in its own process, so that its peak RSS is its own framework's:
 *
 *   node --import tsx bench/child.ts --config tsgrad-wasm-2t --steps 10 --batch 100
 *
 * Prints one `BENCH-RESULT {json}` line (see protocol.ts). The driver, convnet-step.ts, spawns
 * it with the configuration's environment. Frameworks are imported dynamically so that one that
 * cannot load (a missing peer install, a backend not built) is reported as unavailable.
 */
import { parseArgs } from "node:util";
import { configByName, type BenchConfig } from "./configs.js";
import { emit, firstLine, type ChildResult } from "./protocol.js";

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    steps: { type: "string", default: "10" },
    batch: { type: "string", default: "100" },
  },
  strict: true,
});

type Loaded<T> = { ok: true; mod: T } | { ok: false; result: ChildResult };
type StepOptions = { batch: number; warmup: number; steps: number };

/**
 * The peer modules, typed here and imported through a variable specifier: their own types come
 * from bench/node_modules, which `npm ci` at the root does not install, so the root typecheck
 * must not follow them (`npm run bench:typecheck` checks them once `npm run bench:setup` ran).
 */
interface TfjsPeer {
  timeTfjs(backend: "cpu" | "wasm", opts: StepOptions): Promise<ChildResult>;
}
interface JaxPeer {
  timeJax(form: "conv" | "patches", opts: StepOptions): Promise<ChildResult>;
}
const peer = <T>(file: string): Promise<T> => import(file) as Promise<T>;

/** Imports a framework's module, turning a failure to load into an "unavailable" result. */
async function load<T>(importer: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, mod: await importer() };
  } catch (e) {
    return { ok: false, result: { kind: "unavailable", reason: firstLine(e) } };
  }
}

async function run(config: BenchConfig, batch: number, steps: number): Promise<ChildResult> {
  const opts = { batch, warmup: config.warmup, steps };
  switch (config.runner) {
    case "tsgrad-step":
    case "tsgrad-gemm": {
      const tsgrad = await load(() => import("./tsgrad-peer.js"));
      if (!tsgrad.ok) return tsgrad.result;
      const mismatch = tsgrad.mod.backendMismatch(config.env.TSGRAD_BACKEND, config.threads);
      if (mismatch !== null) return { kind: "unavailable", reason: mismatch };
      return config.runner === "tsgrad-step"
        ? tsgrad.mod.timeTsgradStep(opts)
        : tsgrad.mod.timeTsgradGemm(config.warmup);
    }
    case "tfjs-wasm":
    case "tfjs-cpu": {
      const tfjs = await load(() => peer<TfjsPeer>("./tfjs-peer.js"));
      if (!tfjs.ok) return tfjs.result;
      return tfjs.mod.timeTfjs(config.runner === "tfjs-wasm" ? "wasm" : "cpu", opts);
    }
    case "jax-conv":
    case "jax-patches": {
      const jax = await load(() => peer<JaxPeer>("./jax-peer.js"));
      if (!jax.ok) return jax.result;
      return jax.mod.timeJax(config.runner === "jax-conv" ? "conv" : "patches", opts);
    }
    case "pytorch":
      throw new Error("PyTorch runs in its own Python child (pytorch-peer.py), not here");
  }
}

if (values.config === undefined) throw new Error("child.ts: --config <name> is required");
const config = configByName(values.config);
const steps = Math.min(Number(values.steps), config.maxSteps ?? Infinity);
emit(await run(config, Number(values.batch), steps));
