/**
 * Seeing and debugging the graph: trace the forward and backward pass of the article's ConvNet1,
 * print it one op a line, render it to SVG with Graphviz, and let anomaly mode find the op that
 * first made a NaN in a layer with a numerical bug.
 *
 *   npx tsx examples/inspect-graph.ts [--out runs/inspect-graph] [--batch 2]
 *
 * The SVG needs Graphviz's `dot` (Debian: apt-get install graphviz); without it the DOT file is
 * still written and the example says how to render it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AnomalyError,
  crossEntropy,
  defineFunction,
  detectAnomaly,
  manualSeed,
  randint,
  rand,
  traceWith,
  type Tensor,
} from "@tsgrad/core";
import { Conv2d, Linear, MaxPool2d, Module } from "@tsgrad/nn";
import { Adam } from "@tsgrad/optim";
import { runCommand } from "./lib/cli.js";
import { ConvNet1 } from "./lib/convnet.js";
import { integer, text } from "./lib/flags.js";

const COMMAND = {
  usage: "npx tsx examples/inspect-graph.ts [flags]",
  summary:
    "Traces ConvNet1's forward and backward pass to text and DIR/convnet-step.svg, then catches\n" +
    "a NaN with anomaly mode.",
  flags: {
    out: text("output folder", { metavar: "DIR", default: "runs/inspect-graph" }),
    batch: integer("images in the traced batch", { min: 1, default: 2 }),
  },
};

/**
 * Swish, y = x·σ(x), with a hand-written backward that has a numerical bug: it computes σ(x)
 * as eˣ/(1 + eˣ), which is ∞/∞ = NaN once eˣ overflows (x > 88 in float32). The forward is fine.
 */
const badSwish = defineFunction({
  name: "badSwish",
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.mul(x.sigmoid());
  },
  backward(ctx, grad) {
    const [x] = ctx.savedTensors as [Tensor];
    const e = x.exp();
    const s = e.div(e.add(1)); // BUG: overflows; x.sigmoid() is the stable form
    return [grad.mul(s.add(x.mul(s).mul(s.neg().add(1))))]; // d/dx x·σ = σ + x·σ(1 − σ)
  },
});

/** A conv layer with the buggy activation, fed raw pixels (0–255, not normalised). */
class SwishNet extends Module {
  conv = new Conv2d(1, 8, 5, { padding: 2 });
  pool = new MaxPool2d(4);
  fc = new Linear(8 * 7 * 7, 10);
  forward(x: Tensor): Tensor {
    const h = this.pool.forward(badSwish.apply(this.conv.forward(x)));
    return this.fc.forward(h.flatten(1));
  }
}

/** Renders DOT to SVG with Graphviz; false (and a hint) when `dot` is not installed. */
function renderSvg(dotFile: string, svgFile: string): boolean {
  const run = spawnSync("dot", ["-Tsvg", dotFile, "-o", svgFile], { encoding: "utf8" });
  if (run.error) {
    console.log(
      `Graphviz's dot was not found, so no SVG: install graphviz (Debian: apt-get install ` +
        `graphviz), then run  dot -Tsvg ${dotFile} -o ${svgFile}`,
    );
    return false;
  }
  if (run.status !== 0) throw new Error(`dot failed: ${run.stderr}`);
  return true;
}

await runCommand(COMMAND, ({ values }) => {
  manualSeed(0);
  const model = new ConvNet1();
  const optimizer = new Adam(model.parameters(), { lr: 0.001 });
  const images = rand([values.batch, 1, 28, 28]);
  const labels = randint(0, 10, [values.batch]);

  // 1. the graph of a forward and backward pass, with the model's parameter and buffer names
  const names = [...model.namedParameters(), ...model.namedBuffers()];
  optimizer.zeroGrad();
  const graph = traceWith(
    { names },
    (x: Tensor, y: Tensor) => {
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      return loss;
    },
    images,
    labels,
  );
  optimizer.step(); // (tracing it too would show the fused Adam update as one more node)
  console.log(graph.toString());
  const forward = graph.nodes.filter((n) => n.phase === "forward").length;
  console.log(
    `\n${graph.nodes.length} ops: ${forward} forward, ${graph.nodes.length - forward} backward`,
  );

  // 2. the same graph as Graphviz DOT, and SVG if dot is installed
  mkdirSync(values.out, { recursive: true });
  const dotFile = join(values.out, "convnet-step.dot");
  const svgFile = join(values.out, "convnet-step.svg");
  writeFileSync(dotFile, graph.toDot());
  console.log(`wrote ${dotFile}`);
  if (renderSvg(dotFile, svgFile)) console.log(`wrote ${svgFile}`);

  // 3. a NaN from a buggy custom layer: silent without anomaly mode, named with it
  manualSeed(1);
  const net = new SwishNet();
  const pixels = rand([values.batch, 1, 28, 28]).mul(255);
  const step = (): void => crossEntropy(net.forward(pixels), labels).backward();
  step();
  const nan = net.conv.weight.grad!.dataSync().some(Number.isNaN);
  console.log(`\nwithout anomaly mode: conv.weight.grad has NaN: ${nan}`);
  net.zeroGrad();
  try {
    detectAnomaly(step);
    console.log("with anomaly mode: no anomaly found");
  } catch (e) {
    if (!(e instanceof AnomalyError)) throw e;
    console.log(`with ${e.message}`);
  }
});
