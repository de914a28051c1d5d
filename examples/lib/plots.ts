/**
 * SVG charts for the examples, drawn with Vega-Lite (rendered headless, no canvas needed). Axis
 * ticks are chosen here rather than by Vega, so that they are round numbers that bracket the data
 * whatever its range (one point included) and, on an epoch axis, whole numbers.
 */
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { compile } from "vega-lite";

/** Renders a Vega-Lite spec to an SVG string, the same bytes for the same spec. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  // Vega numbers gradients and clip paths with process-wide counters: renumber them per
  // document, so that the same chart gives the same bytes however many were drawn before it
  const seen = new Map<string, string>();
  const counts = new Map<string, number>();
  return svg.replace(/\b(gradient_|clip)(\d+)\b/g, (id, prefix: string) => {
    if (!seen.has(id)) {
      const n = counts.get(prefix) ?? 0;
      counts.set(prefix, n + 1);
      seen.set(id, `${prefix}${n}`);
    }
    return seen.get(id)!;
  });
}

/** One row of a long-format line chart. */
export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** One side-by-side chart of a {@link lineChart}: its y-axis title and its points. */
export interface Panel {
  yTitle: string;
  points: readonly SeriesPoint[];
}

/** Ticks of one axis: the values, the scale's domain, and the d3 format of the labels. */
export interface AxisTicks {
  values: number[];
  domain: [number, number];
  format: string;
}

/**
 * Round, evenly spaced ticks (steps of 1, 2 or 5 × 10ᵏ, about `count` of them) whose first is
 * ≤ `lo` and last ≥ `hi`. A single value (`lo === hi`) gets a small range around it.
 */
export function bracketTicks(lo: number, hi: number, count = 5): AxisTicks {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.05 || 0.5;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9))!;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { values, domain: [values[0]!, values.at(-1)!], format: `.${decimals}f` };
}

/**
 * Whole-number ticks from 1 to `last` (every k-th one past ten of them), on a domain padded by
 * half a unit so that a single epoch sits mid-axis.
 */
export function integerTicks(last: number): AxisTicks {
  const n = Math.max(1, Math.ceil(last));
  const every = Math.ceil(n / 10);
  const values = Array.from({ length: Math.ceil(n / every) }, (_, i) => 1 + i * every);
  return { values, domain: [0.5, n + 0.5], format: "d" };
}

const axisOf = (ticks: AxisTicks, title: string) => ({
  title,
  scale: { domain: ticks.domain, nice: false, zero: false },
  axis: { values: ticks.values, format: ticks.format },
});

/**
 * Line charts side by side, one per panel, each with its own y axis and title; the series share
 * one colour legend. `integerX` puts ticks on whole numbers only (epochs).
 */
export function lineChart(
  panels: readonly Panel[],
  options: { title: string; xTitle: string; integerX?: boolean; points?: boolean },
): TopLevelSpec {
  const all = panels.flatMap((p) => p.points);
  const xs = all.map((p) => p.x);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const xTicks = options.integerX ? integerTicks(xMax) : bracketTicks(xMin, xMax, 6);
  const chart = (panel: Panel) => {
    const ys = panel.points.map((p) => p.y);
    const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
    const margin = (hi - lo) * 0.04; // keep points off the frame
    const yTicks = bracketTicks(lo - margin, hi + margin);
    return {
      data: { values: [...panel.points] },
      mark: { type: "line" as const, point: options.points ?? true },
      encoding: {
        x: { field: "x", type: "quantitative" as const, ...axisOf(xTicks, options.xTitle) },
        y: { field: "y", type: "quantitative" as const, ...axisOf(yTicks, panel.yTitle) },
        color: { field: "series", type: "nominal" as const, title: null },
      },
      width: 320,
      height: 220,
    };
  };
  return { title: options.title, hconcat: panels.map(chart) };
}

/** Confusion-matrix heatmap with class names on both axes and counts in the cells. */
export function confusionChart(
  matrix: readonly (readonly number[])[],
  classes: readonly string[],
  title: string,
): TopLevelSpec {
  const values = matrix.flatMap((row, t) =>
    row.map((count, p) => ({ actual: classes[t], predicted: classes[p], count })),
  );
  const axis = { field: "", type: "ordinal" as const, sort: [...classes] };
  return {
    title,
    data: { values },
    width: 360,
    height: 360,
    encoding: {
      x: { ...axis, field: "predicted", title: "predicted" },
      y: { ...axis, field: "actual", title: "actual" },
    },
    layer: [
      {
        mark: "rect",
        encoding: { color: { field: "count", type: "quantitative", scale: { type: "sqrt" } } },
      },
      {
        mark: { type: "text", fontSize: 9 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: "datum.count > 400", value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/**
 * The tick labels of each axis in an SVG from {@link renderSvg}, keyed by the axis title (Vega
 * labels each axis group "X-axis titled '…'" / "Y-axis titled '…'"). For tests and checks.
 */
export function svgAxisLabels(svg: string): Map<string, string[]> {
  const axes = new Map<string, string[]>();
  const groups = svg.split(/(?=<g class="mark-group role-axis")/).slice(1);
  for (const group of groups) {
    const title = /aria-label="([XY])-axis titled '([^']*)'/.exec(group);
    if (!title) continue;
    const labels =
      /<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/.exec(group)?.[1] ?? "";
    const texts = [...labels.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const key = `${title[1]}:${title[2]}`;
    axes.set(key, [...(axes.get(key) ?? []), ...texts]);
  }
  return axes;
}
