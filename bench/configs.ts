/**
 * The configurations the benchmark runs, one child process each. `name` is what `--only` takes;
 * `label` is the table row. Peers are described as they are driven in `shared/notes/peers.md`.
 */

/** Which code a child runs. */
export type Runner =
  "tsgrad-step" | "tsgrad-gemm" | "tfjs-wasm" | "tfjs-cpu" | "jax-conv" | "jax-patches" | "pytorch";

/** Which peer install a configuration depends on, if any. */
export type Requirement = "bench-peers" | "torch";

/** One benchmark configuration. */
export interface BenchConfig {
  readonly name: string;
  readonly label: string;
  readonly runner: Runner;
  /** Extra environment for the child (tsgrad's backend selection, BLAS threads). */
  readonly env: Readonly<Record<string, string>>;
  /** Threads asked for (PyTorch, tsgrad); peers that cannot thread in Node say so in the label. */
  readonly threads: number;
  /** Untimed steps before timing (JIT compilation, kernel caches, allocation). */
  readonly warmup: number;
  /** Cap on timed steps for very slow configurations, whatever `--steps` says. */
  readonly maxSteps?: number;
  /** Left out unless named by `--only` or switched on by its flag. */
  readonly optional?: boolean;
  readonly requires?: Requirement;
}

const tsgradStep = (name: string, backend: "js" | "wasm", threads: number): BenchConfig => ({
  name,
  label: backend === "js" ? "tsgrad js" : `tsgrad wasm, ${threads} thread${threads > 1 ? "s" : ""}`,
  runner: "tsgrad-step",
  env: { TSGRAD_BACKEND: backend, TSGRAD_THREADS: `${threads}` },
  threads,
  warmup: 2,
});

const tsgradGemm = (name: string, backend: "js" | "wasm", threads: number): BenchConfig => ({
  ...tsgradStep(name, backend, threads),
  runner: "tsgrad-gemm",
  warmup: 1,
});

const pytorch = (threads: number): BenchConfig => ({
  name: `pytorch-${threads}t`,
  label: `PyTorch 1.13, ${threads} thread${threads > 1 ? "s" : ""}`,
  runner: "pytorch",
  env: { OPENBLAS_NUM_THREADS: `${threads}`, OMP_NUM_THREADS: `${threads}` },
  threads,
  warmup: 2,
  requires: "torch",
});

/** Training-step configurations, in the order of the table and of each round. */
export const STEP_CONFIGS: readonly BenchConfig[] = [
  tsgradStep("tsgrad-wasm-2t", "wasm", 2),
  tsgradStep("tsgrad-wasm-1t", "wasm", 1),
  tsgradStep("tsgrad-js", "js", 1),
  {
    name: "tfjs-wasm",
    label: "TF.js 4.22 wasm, workaround: conv gradients as forward convs",
    runner: "tfjs-wasm",
    env: {},
    threads: 1,
    warmup: 2,
    requires: "bench-peers",
  },
  {
    name: "tfjs-cpu",
    label: "TF.js 4.22 cpu",
    runner: "tfjs-cpu",
    env: {},
    threads: 1,
    warmup: 1,
    maxSteps: 1,
    optional: true,
    requires: "bench-peers",
  },
  {
    name: "jax-patches",
    label: "jax-js 0.1.25, rewritten: conv as patches + matmul",
    runner: "jax-patches",
    env: {},
    threads: 1,
    warmup: 2,
    requires: "bench-peers",
  },
  {
    name: "jax-conv",
    label: "jax-js 0.1.25, its own conv",
    runner: "jax-conv",
    env: {},
    threads: 1,
    warmup: 1,
    maxSteps: 2,
    requires: "bench-peers",
  },
  pytorch(1),
  pytorch(2),
];

/** GEMM configurations (tsgrad's public `matmul` on float32 tensors, whatever backend is active). */
export const GEMM_CONFIGS: readonly BenchConfig[] = [
  tsgradGemm("gemm-wasm-1t", "wasm", 1),
  tsgradGemm("gemm-wasm-2t", "wasm", 2),
  tsgradGemm("gemm-js", "js", 1),
];

/** Every configuration, by name. */
export const ALL_CONFIGS: readonly BenchConfig[] = [...STEP_CONFIGS, ...GEMM_CONFIGS];

/** Looks a configuration up by name; throws with the list of names when it is unknown. */
export function configByName(name: string): BenchConfig {
  const found = ALL_CONFIGS.find((c) => c.name === name);
  if (found === undefined) {
    throw new Error(
      `unknown configuration '${name}'; known: ${ALL_CONFIGS.map((c) => c.name).join(", ")}`,
    );
  }
  return found;
}
