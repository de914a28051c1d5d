/**
 * Turns the trials of a benchmark run into Markdown: the training-step table with medians, peak
 * RSS and ratios, the GEMM table next to the SIMD ceiling, and the issue-8 targets; and writes it
 * into bench/RESULTS.md between two markers, keeping the hand-written text around them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import type { BenchConfig } from "./configs.js";
import { median, type GemmPoint, type GemmSample, type StepSample } from "./protocol.js";
import type { TrialResult } from "./run-child.js";

/**
 * Peak fp32 GEMM rate of one core with 128-bit WebAssembly SIMD and no FMA: 4 lanes × (2 vector
 * multiplies + 2 vector adds per cycle) = 16 FLOP/cycle, × 2.6 GHz ≈ 41.6 GFLOP/s
 * (`shared/notes/wasm-kernels.md`; the measured SIMD GEMM sits at this ceiling).
 */
export const SIMD128_CEILING_GFLOPS_PER_CORE = 4 * (2 + 2) * 2.6;

/** The configuration whose rate the ratios divide, first available of these. */
const REFERENCES = ["tsgrad-wasm-2t", "tsgrad-wasm-1t", "tsgrad-js"];

/** Every trial of one configuration, in round order. */
export interface ConfigOutcome {
  readonly config: BenchConfig;
  readonly trials: readonly TrialResult[];
}

/** How the run was made, for the header. */
export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly machine: string;
  readonly rounds: number;
  readonly steps: number;
  readonly batch: number;
  /** Said above the tables when the run's figures deserve less trust (e.g. a busy machine). */
  readonly warning?: string;
}

const fmtRate = (x: number): string => x.toFixed(x < 100 ? 1 : 0);
const fmtRatio = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)}×`;

/** Why a configuration has no numbers: the first non-result trial's reason. */
function whyNot(o: ConfigOutcome): string {
  for (const t of o.trials) {
    if (t.kind === "unavailable") return `unavailable: ${t.reason}`;
    if (t.kind === "failed") return `failed: ${t.reason}`;
  }
  return "not run";
}

/** `, N failed` when some trials of a configuration that produced numbers failed. */
function failedNote(o: ConfigOutcome): string {
  const failed = o.trials.filter((t) => t.kind === "failed").length;
  return failed === 0 ? "" : ` (${failed} failed)`;
}

const stepSamples = (o: ConfigOutcome): StepSample[] =>
  o.trials.filter((t): t is StepSample => t.kind === "step");
const gemmSamples = (o: ConfigOutcome): GemmSample[] =>
  o.trials.filter((t): t is GemmSample => t.kind === "gemm");

/** Median samples/s of a configuration, or null when no trial produced one. */
export function medianRate(o: ConfigOutcome | undefined): number | null {
  const rates = o === undefined ? [] : stepSamples(o).map((s) => s.samplesPerSecond);
  return rates.length === 0 ? null : median(rates);
}

/** Median GFLOP/s of a configuration at one shape, or null when it was not timed. */
function medianGflops(
  o: ConfigOutcome | undefined,
  shape: Omit<GemmPoint, "gflops">,
): number | null {
  const same = (p: GemmPoint): boolean => p.m === shape.m && p.n === shape.n && p.k === shape.k;
  const rates = (o === undefined ? [] : gemmSamples(o)).flatMap((s) =>
    s.points.filter(same).map((p) => p.gflops),
  );
  return rates.length === 0 ? null : median(rates);
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");
const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;

/** The training-step table: one row per configuration. */
function stepTable(outcomes: readonly ConfigOutcome[]): string {
  const ref = REFERENCES.map((n) => outcomes.find((o) => o.config.name === n)).find(
    (o) => medianRate(o) !== null,
  );
  const refRate = medianRate(ref);
  const lines = [
    row([
      "configuration",
      "what ran",
      "samples/s (median)",
      "range",
      "trials × steps",
      "peak RSS (MiB)",
      `${ref?.config.name ?? "tsgrad"} ÷ this`,
    ]),
    row(["---", "---", "---:", "---:", "---:", "---:", "---:"]),
  ];
  for (const o of outcomes) {
    const samples = stepSamples(o);
    const rate = medianRate(o);
    if (rate === null) {
      lines.push(row([o.config.label, whyNot(o), "–", "–", "–", "–", "–"]));
      continue;
    }
    const rates = samples.map((s) => s.samplesPerSecond);
    lines.push(
      row([
        o.config.label,
        samples[0]!.ran,
        fmtRate(rate),
        `${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))}`,
        `${samples.length} × ${samples[0]!.steps}${failedNote(o)}`,
        Math.max(...samples.map((s) => s.maxRssMiB)).toFixed(0),
        refRate === null ? "–" : fmtRatio(refRate / rate),
      ]),
    );
  }
  return lines.join("\n");
}

/** `M×N×K` of a point, as the column header names it. */
const shapeName = (p: GemmPoint): string =>
  p.m === p.n && p.n === p.k ? `${p.m}³` : `${p.m}×${p.n}×${p.k}`;

/** The GEMM table: GFLOP/s per shape, with the share of the SIMD ceiling for the wasm rows. */
function gemmTable(outcomes: readonly ConfigOutcome[]): string {
  const shapes = outcomes.flatMap(gemmSamples)[0]?.points ?? [];
  const lines = [
    row([
      "configuration",
      "what ran",
      ...shapes.map((p) => `${shapeName(p)} GFLOP/s`),
      "SIMD128 ceiling",
    ]),
    row(["---", "---", ...shapes.map(() => "---:"), "---:"]),
  ];
  for (const o of outcomes) {
    const samples = gemmSamples(o);
    if (samples.length === 0) {
      lines.push(row([o.config.label, whyNot(o), ...shapes.map(() => "–"), "–"]));
      continue;
    }
    const isWasm = o.config.env.TSGRAD_BACKEND === "wasm";
    const ceiling = SIMD128_CEILING_GFLOPS_PER_CORE * o.config.threads;
    const rates = shapes.map((shape) => {
      const g = medianGflops(o, shape);
      if (g === null) return "–";
      return isWasm ? `${g.toFixed(1)} (${((100 * g) / ceiling).toFixed(0)}%)` : g.toFixed(1);
    });
    lines.push(row([o.config.label, samples[0]!.ran, ...rates, ceiling.toFixed(1)]));
  }
  return lines.join("\n");
}

/** The acceptance targets of issue 8 that one run can check, each met, missed or not measured. */
function targets(outcomes: readonly ConfigOutcome[]): string {
  const by = (name: string): ConfigOutcome | undefined =>
    outcomes.find((o) => o.config.name === name);
  const ours = medianRate(by("tsgrad-wasm-2t"));
  const jaxRates = [medianRate(by("jax-conv")), medianRate(by("jax-patches"))].filter(
    (r) => r !== null,
  );
  const jaxBest = jaxRates.length === 0 ? null : Math.max(...jaxRates);
  const check = (what: string, got: number | null, want: number, unit: string): string =>
    got === null
      ? `- ${what}: not measured (target ≥ ${want}${unit})`
      : `- ${what}: ${got.toFixed(2)}${unit} (target ≥ ${want}${unit}) ${got >= want ? "✓" : "✗"}`;
  const ratio = (peer: number | null): number | null =>
    ours === null || peer === null ? null : ours / peer;
  const gemm256 = medianGflops(by("gemm-wasm-1t"), { m: 256, n: 256, k: 256 });
  return [
    check("tsgrad-wasm-2t ÷ PyTorch 2 threads", ratio(medianRate(by("pytorch-2t"))), 0.5, "×"),
    check("tsgrad-wasm-2t ÷ TensorFlow.js wasm", ratio(medianRate(by("tfjs-wasm"))), 7, "×"),
    check("tsgrad-wasm-2t ÷ jax-js (better form)", ratio(jaxBest), 10, "×"),
    check("GEMM 256³, wasm, 1 thread", gemm256, 30, " GFLOP/s"),
  ].join("\n");
}

/** The generated section: header, both tables and the targets, formatted by Prettier. */
export async function renderReport(
  steps: readonly ConfigOutcome[],
  gemms: readonly ConfigOutcome[],
  info: RunInfo,
): Promise<string> {
  const text = [
    `Run of ${info.date}: \`${info.command}\``,
    "",
    `Machine: ${info.machine}. ${info.rounds} interleaved round(s); each trial is a fresh process ` +
      `timing ${info.steps} step${info.steps === 1 ? "" : "s"} at batch ${info.batch} after its warm-up steps; the figure is ` +
      "the median over rounds, peak RSS the largest.",
    "",
    ...(info.warning === undefined ? [] : [`**${info.warning}**`, ""]),
    "### ConvNet1 training step (forward + backward + Adam), batch " + info.batch,
    "",
    stepTable(steps),
    "",
    "### GEMM, tsgrad `matmul` on float32 tensors (median of ≥ 3 calls)",
    "",
    gemmTable(gemms),
    "",
    "### Issue 8 targets in this run",
    "",
    targets([...steps, ...gemms]),
    "",
  ].join("\n");
  const options = (await prettier.resolveConfig(RESULTS_PATH)) ?? {};
  return prettier.format(text, { ...options, parser: "markdown" });
}

const RESULTS_PATH = new URL("RESULTS.md", import.meta.url).pathname;
const BEGIN = "<!-- generated by `npm run bench`: begin -->";
const END = "<!-- generated by `npm run bench`: end -->";

/** Replaces the generated section of RESULTS.md (between its markers) and returns the path. */
export function writeResults(generated: string): string {
  const old = readFileSync(RESULTS_PATH, "utf8");
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`${RESULTS_PATH}: markers ${BEGIN} … ${END} not found; add them to write`);
  }
  const next = `${old.slice(0, start + BEGIN.length)}\n\n${generated.trim()}\n\n${old.slice(end)}`;
  writeFileSync(RESULTS_PATH, next);
  return RESULTS_PATH;
}
