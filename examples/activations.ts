/**
 * The article's activations — sigmoid, tanh and ReLU — and their derivatives computed by
 * autograd, plotted to an SVG.
 *
 *   npx tsx examples/activations.ts [--out runs/activations] [--points 201]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { grad, linspace, tensor, type Tensor } from "@tsgrad/core";
import { runCommand } from "./lib/cli.js";
import { integer, text } from "./lib/flags.js";
import { lineChart, renderSvg, type SeriesPoint } from "./lib/plots.js";

const COMMAND = {
  usage: "npx tsx examples/activations.ts [flags]",
  summary: "Plots sigmoid, tanh and ReLU and their derivatives by autograd to DIR/activations.svg.",
  flags: {
    out: text("output folder", { metavar: "DIR", default: "runs/activations" }),
    points: integer("points of each curve on [-5, 5]", { min: 2, default: 201 }),
  },
};

const activations: Record<string, (x: Tensor) => Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
};

/** f and f' (by autograd) at each of `xs`; elementwise, so the gradient of Σf is f'. */
function withDerivative(f: (x: Tensor) => Tensor, xs: Tensor): { y: number[]; dy: number[] } {
  const x = xs.clone().requiresGrad_();
  const y = f(x);
  const [dy] = grad(y.sum(), x);
  return { y: y.detach().toArray() as number[], dy: dy!.toArray() as number[] };
}

await runCommand(COMMAND, async ({ values }) => {
  const xs = linspace(-5, 5, values.points, { dtype: "float64" });
  const xv = xs.toArray() as number[];
  const probes = tensor([-2, 0, 2], { dtype: "float64" });
  const curves: SeriesPoint[] = [];
  const slopes: SeriesPoint[] = [];
  for (const [name, f] of Object.entries(activations)) {
    const { y, dy } = withDerivative(f, xs);
    xv.forEach((x, i) => {
      curves.push({ x, y: y[i]!, series: name });
      slopes.push({ x, y: dy[i]!, series: name });
    });
    const at = withDerivative(f, probes).dy.map((d) => d.toFixed(4));
    console.log(`${name.padEnd(8)} f'(-2) = ${at[0]}  f'(0) = ${at[1]}  f'(2) = ${at[2]}`);
  }

  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, "activations.svg");
  const chart = lineChart(
    [
      { yTitle: "f(x)", points: curves },
      { yTitle: "f'(x) by autograd", points: slopes },
    ],
    { title: "Activations and their derivatives", xTitle: "x", points: false },
  );
  writeFileSync(file, await renderSvg(chart));
  console.log(`wrote ${file}`);
});
