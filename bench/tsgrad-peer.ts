/**
 * tsgrad in a benchmark child: the reference convnet's training step and GEMM throughput, on
 * whatever backend `@tsgrad/core` chose from `TSGRAD_BACKEND` / `TSGRAD_THREADS` at import.
 * The child imports this module dynamically, so a backend that fails to load is reported, not fatal.
 */
import { getBackend, manualSeed, matmul, rand, randint, type Backend } from "@tsgrad/core";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { Adam } from "@tsgrad/optim";
import { ConvNet1 } from "../examples/lib/convnet.js";
import {
  median,
  peakRssMiB,
  timeSteps,
  type GemmPoint,
  type GemmSample,
  type StepSample,
} from "./protocol.js";

/** SIMD variant and thread count, read defensively: older cores' backends lack the fields. */
function backendDetails(b: Backend): { simd: string | null; threads: number | null } {
  const simd = "simd" in b && typeof b.simd === "string" && b.simd !== "none" ? b.simd : null;
  const threads = "threads" in b && typeof b.threads === "number" ? b.threads : null;
  return { simd, threads };
}

/** What ran, e.g. `wasm (relaxed SIMD, 2 threads)` or `js`. */
export function describeBackend(b: Backend = getBackend()): string {
  const { simd, threads } = backendDetails(b);
  const parts = [
    simd === null ? null : `${simd} SIMD`,
    threads === null ? null : `${threads} thread${threads === 1 ? "" : "s"}`,
  ].filter((p) => p !== null);
  return parts.length === 0 ? b.name : `${b.name} (${parts.join(", ")})`;
}

/**
 * Why the active backend is not the one asked for, or null when it is: the core may ignore the
 * environment (before the wasm backend exists) or run fewer threads than asked.
 */
export function backendMismatch(want: string | undefined, threads: number): string | null {
  const b = getBackend();
  if (want !== undefined && b.name !== want) {
    return `TSGRAD_BACKEND=${want} asked for, but @tsgrad/core ran '${b.name}'`;
  }
  const ran = backendDetails(b).threads;
  if (want === "wasm" && ran !== null && ran !== threads) {
    return `TSGRAD_THREADS=${threads} asked for, but the backend runs ${ran}`;
  }
  return null;
}

/** Times training steps (forward + backward + Adam) of ConvNet1 on random inputs. */
export async function timeTsgradStep(opts: {
  batch: number;
  warmup: number;
  steps: number;
}): Promise<StepSample> {
  manualSeed(0);
  const model = new ConvNet1();
  const criterion = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const x = rand([opts.batch, 1, 28, 28]);
  const y = randint(0, 10, [opts.batch]);
  const samplesPerSecond = await timeSteps(() => {
    optimizer.zeroGrad();
    criterion.forward(model.forward(x), y).backward();
    optimizer.step();
  }, opts);
  return {
    kind: "step",
    ran: `tsgrad ${describeBackend()}`,
    samplesPerSecond,
    steps: opts.steps,
    maxRssMiB: peakRssMiB(),
  };
}

/**
 * The GEMM shapes timed, as [M, N, K]. conv2 of ConvNet1 at batch 100 as one im2col GEMM:
 * patches [N·14·14 = 19600, Cin·5·5 = 400] times weights [400, Cout = 32]; also its transpose
 * (weights [32, 400] times patches [400, 19600]), the orientation a per-sample im2col uses.
 */
export const GEMM_SHAPES: readonly (readonly [number, number, number])[] = [
  [256, 256, 256],
  [1024, 1024, 1024],
  [19600, 32, 400],
  [32, 19600, 400],
];

/** Milliseconds each GEMM shape is warmed up for, then timed for. */
const GEMM_WINDOW_MS = 300;

/**
 * Calls `f` until it has run ≥ `calls` times and for ≥ `ms` milliseconds; returns each call's
 * time.
 */
function timeCalls(f: () => void, calls: number, ms: number): number[] {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < calls || performance.now() - start < ms) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * GFLOP/s of `matmul` at one shape: the median call time over ≥ 3 calls and ≥ 0.3 s, after a
 * warm-up of ≥ `warmup` calls and ≥ 0.3 s. The warm-up is timed, not counted, because a fresh
 * process pays for fresh memory: until the collector first frees results (≈ 100 calls at 256³,
 * about 25 MB of them), each 256 KB result is new memory from the system, 64 page faults a call;
 * in five processes the median of calls 2–100 was 1.05–1.8× that of calls 200–400.
 */
function timeGemm(m: number, n: number, k: number, warmup: number): GemmPoint {
  const a = rand([m, k]);
  const b = rand([k, n]);
  const call = (): void => void matmul(a, b);
  timeCalls(call, warmup, GEMM_WINDOW_MS);
  const times = timeCalls(call, 3, GEMM_WINDOW_MS);
  return { m, n, k, gflops: (2 * m * n * k) / (median(times) * 1e6) };
}

/** Times tsgrad's public `matmul` on float32 tensors at every shape of `GEMM_SHAPES`. */
export function timeTsgradGemm(warmup: number): GemmSample {
  manualSeed(0);
  const points = GEMM_SHAPES.map(([m, n, k]) => timeGemm(m, n, k, warmup));
  return { kind: "gemm", ran: `tsgrad ${describeBackend()}`, points, maxRssMiB: peakRssMiB() };
}
