/**
 * What one benchmark child process reports to the driver: a single stdout line
 * `BENCH-RESULT {json}` (other output, such as library banners, is ignored). The Python peer
 * prints the same line, so the shapes below are the whole contract.
 */

/** Prefix of the one line a child prints with its result. */
export const RESULT_PREFIX = "BENCH-RESULT ";

/** Training-step throughput measured in one child. */
export interface StepSample {
  readonly kind: "step";
  /** What actually ran, in the framework's own words (backend, SIMD variant, threads). */
  readonly ran: string;
  readonly samplesPerSecond: number;
  /** Timed steps (after the warm-up ones). */
  readonly steps: number;
  /** Peak resident set size of the child, in MiB. */
  readonly maxRssMiB: number;
}

/** One GEMM shape: C[M×N] = A[M×K] · B[K×N], FLOPs = 2·M·N·K. */
export interface GemmPoint {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly gflops: number;
}

/** GEMM throughput over several shapes, measured in one child. */
export interface GemmSample {
  readonly kind: "gemm";
  readonly ran: string;
  readonly points: readonly GemmPoint[];
  readonly maxRssMiB: number;
}

/** A configuration that could not run here, with the reason in one line. */
export interface Unavailable {
  readonly kind: "unavailable";
  readonly reason: string;
}

/** Any result a child can report. */
export type ChildResult = StepSample | GemmSample | Unavailable;

/** Peak RSS of this process so far, in MiB (`maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Prints the result line the driver looks for. */
export function emit(result: ChildResult): void {
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

/** First line of an error's message, for a one-line "unavailable" reason. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0]!.trim();
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === "string";

function isGemmPoint(v: unknown): v is GemmPoint {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  return isNumber(p.m) && isNumber(p.n) && isNumber(p.k) && isNumber(p.gflops);
}

/** Checks the shape of a parsed result line; returns null when it is not a valid result. */
export function asChildResult(v: unknown): ChildResult | null {
  if (typeof v !== "object" || v === null) return null;
  const r = v as Record<string, unknown>;
  switch (r.kind) {
    case "step":
      return isString(r.ran) &&
        isNumber(r.samplesPerSecond) &&
        isNumber(r.steps) &&
        isNumber(r.maxRssMiB)
        ? (r as unknown as StepSample)
        : null;
    case "gemm":
      return isString(r.ran) &&
        Array.isArray(r.points) &&
        r.points.every(isGemmPoint) &&
        isNumber(r.maxRssMiB)
        ? (r as unknown as GemmSample)
        : null;
    case "unavailable":
      return isString(r.reason) ? (r as unknown as Unavailable) : null;
    default:
      return null;
  }
}

/** Finds and validates the last result line in a child's stdout. */
export function parseChildOutput(stdout: string): ChildResult | null {
  const line = stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return null;
  try {
    return asChildResult(JSON.parse(line.slice(RESULT_PREFIX.length)) as unknown);
  } catch {
    return null;
  }
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Times `steps` calls of `step` after `warmup` untimed ones; returns samples per second. */
export async function timeSteps(
  step: () => void | Promise<void>,
  { batch, warmup, steps }: { batch: number; warmup: number; steps: number },
): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (batch * steps) / ((performance.now() - t0) / 1000);
}
