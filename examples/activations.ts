/**
 * The article's activations — sigmoid, tanh and ReLU — and their derivatives computed by
 * autograd, plotted to an SVG.
 *
 *   npx tsx examples/activations.ts [--out runs/activations] [--points 201]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { grad, linspace, type Tensor } from "@tsgrad/core";
import { lineChart, renderSvg, type SeriesPoint } from "./lib/plots.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "runs/activations" },
    points: { type: "string", default: "201" },
  },
});
const n = Number(values.points);
const activations: Record<string, (x: Tensor) => Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
};

const xs = linspace(-5, 5, n, { dtype: "float64" });
const points: (SeriesPoint & { panel: string })[] = [];
for (const [name, f] of Object.entries(activations)) {
  const x = xs.clone().requiresGrad_();
  const y = f(x);
  const [dy] = grad(y.sum(), x); // elementwise ops: the gradient of the sum is the derivative
  const xv = xs.toArray() as number[];
  const yv = y.detach().toArray() as number[];
  const dv = dy!.toArray() as number[];
  xv.forEach((xi, i) => {
    points.push({ x: xi, y: yv[i]!, series: name, panel: "f(x)" });
    points.push({ x: xi, y: dv[i]!, series: name, panel: "f'(x) by autograd" });
  });
  const at = (v: number): string => dv[xv.findIndex((xi) => Math.abs(xi - v) < 1e-9)]!.toFixed(4);
  console.log(`${name.padEnd(8)} f'(-2) = ${at(-2)}  f'(0) = ${at(0)}  f'(2) = ${at(2)}`);
}

mkdirSync(values.out, { recursive: true });
const file = join(values.out, "activations.svg");
writeFileSync(
  file,
  await renderSvg(
    lineChart(points, {
      title: "Activations and their derivatives",
      xTitle: "x",
      yTitle: "",
      points: false,
    }),
  ),
);
console.log(`wrote ${file}`);
