/**
 * SVG charts for the examples, drawn with Vega-Lite (rendered headless, no canvas needed).
 */
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { compile } from "vega-lite";

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** One row of a long-format line chart. */
export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** Line chart of several series; `panel` splits them into side-by-side charts. */
export function lineChart(
  points: readonly (SeriesPoint & { panel?: string })[],
  options: { title: string; xTitle: string; yTitle: string; points?: boolean },
): TopLevelSpec {
  const layer = {
    mark: { type: "line" as const, point: options.points ?? true },
    encoding: {
      x: { field: "x", type: "quantitative" as const, title: options.xTitle },
      y: {
        field: "y",
        type: "quantitative" as const,
        title: options.yTitle,
        scale: { zero: false },
      },
      color: { field: "series", type: "nominal" as const, title: null },
    },
    width: 320,
    height: 220,
  };
  const hasPanels = points.some((p) => p.panel !== undefined);
  if (!hasPanels) return { title: options.title, data: { values: [...points] }, ...layer };
  return {
    title: options.title,
    data: { values: [...points] },
    // panels in order of first appearance
    facet: {
      column: {
        field: "panel",
        type: "nominal",
        title: null,
        sort: [...new Set(points.map((p) => p.panel!))],
      },
    },
    spec: layer,
    resolve: { scale: { y: "independent" } },
  };
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
