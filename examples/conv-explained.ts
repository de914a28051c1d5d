/**
 * What the article says a convolution buys, measured on a Fashion-MNIST image: sparse
 * interactions and parameter sharing (a conv layer against a fully connected layer with the same
 * input and output), translation equivariance (shifting the input shifts the conv output,
 * exactly), and how max pooling makes small shifts nearly invisible. Writes the shift as a picture
 * (DIR/conv-explained.png).
 *
 *   npx tsx examples/conv-explained.ts [--index 0] [--shift 1] [--out runs/conv-explained]
 */
import { join } from "node:path";
import { conv2d, grad, manualSeed, maxPool2d, pad, type Tensor } from "@tsgrad/core";
import { Conv2d, Linear } from "@tsgrad/nn";
import { UsageError, runCommand } from "./lib/cli.js";
import { loadFashionTest } from "./lib/fashion-data.js";
import { integer, text } from "./lib/flags.js";
import { gridImage, writePng, type Plane } from "./lib/images.js";

/** Black border around the 28 × 28 image, so a shift of up to this many pixels loses nothing. */
const MARGIN = 4;

const COMMAND = {
  usage: "npx tsx examples/conv-explained.ts [flags]",
  summary:
    "Counts a conv layer's parameters against a dense layer's, checks that shifting the input " +
    "shifts the conv output, and measures what a shift changes after max pooling; writes " +
    "DIR/conv-explained.png.",
  flags: {
    index: integer("which test image (0 to 9999)", { default: 0 }),
    shift: integer(`pixels to shift the image by, down and right (1 to ${MARGIN})`, {
      min: 1,
      default: 1,
    }),
    seed: integer("seed of the random filters", { default: 0 }),
    data: text("folder holding Fashion-MNIST (default: the usual places)", { metavar: "DIR" }),
    out: text("output folder", { metavar: "DIR", default: "runs/conv-explained" }),
  },
};

/** `x` moved `dy` pixels down and `dx` right (negative: up, left), zeros filling in. */
function shift(x: Tensor, dy: number, dx: number): Tensor {
  const [H, W] = x.shape.slice(-2) as [number, number];
  const p = [Math.max(dx, 0), Math.max(-dx, 0), Math.max(dy, 0), Math.max(-dy, 0)];
  return pad(x, p).narrow(-2, Math.max(-dy, 0), H).narrow(-1, Math.max(-dx, 0), W);
}

const count = (n: number): string => n.toLocaleString("en-US");
const maxAbs = (t: Tensor): number => t.abs().max().item();
const norm = (t: Tensor): number => t.pow(2).sum().sqrt().item();
const nonZero = (t: Tensor): number => t.ne(0).sum().item();

/** Of the outputs that are non-zero before or after, the share that changed. */
function changedShare(after: Tensor, before: Tensor): number {
  const [a, b] = [after.dataSync(), before.dataSync()];
  let [live, changed] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0 && b[i] === 0) continue;
    live++;
    if (a[i] !== b[i]) changed++;
  }
  return changed / Math.max(live, 1);
}

const plane = (t: Tensor, range?: readonly [number, number]): Plane => {
  const [rows, cols] = t.shape.slice(-2) as [number, number];
  const values = t.dataSync();
  return range ? { rows, cols, values, range, colormap: "diverging" } : { rows, cols, values };
};

await runCommand(COMMAND, ({ values: args }) => {
  if (args.shift > MARGIN) {
    throw new UsageError(`--shift: expected an integer from 1 to ${MARGIN}, got ${args.shift}`);
  }
  const test = loadFashionTest(args.data);
  if (args.index >= test.length) {
    throw new UsageError(
      `--index: expected an integer from 0 to ${test.length - 1}, got ${args.index}`,
    );
  }
  const [image, label] = test.get(args.index);
  manualSeed(args.seed);

  // ---- sparse interactions and parameter sharing ------------------------------------------------
  const conv = new Conv2d(1, 16, 5, { padding: 2 }); // the convnet's conv1
  const [C, H, W] = [16, 28, 28];
  const dense = new Linear(H * W, C * H * W); // the same input and output, every pair connected
  const params = (m: Conv2d | Linear): number => m.parameters().reduce((n, p) => n + p.numel(), 0);
  console.log(
    `test image ${args.index} (${test.classes[label]}), 1 × ${H} × ${W} → ${C} × ${H} × ${W}`,
  );
  console.log(
    `conv layer, ${C} filters 5 × 5:  ${count(params(conv)).padStart(9)} parameters (${C}·5·5 weights + ${C} biases)`,
  );
  console.log(
    `fully connected layer:          ${count(params(dense)).padStart(9)} parameters (${H * W}·${count(C * H * W)} weights + ${count(C * H * W)} biases), ${Math.round(params(dense) / params(conv))}× more`,
  );
  // which inputs one output depends on: the non-zero entries of its gradient
  const x = image.unsqueeze(0).requiresGrad_();
  const at = (t: Tensor) => t.select(0, 0).select(0, 0).select(0, 14).select(0, 14);
  const [gConv] = grad(at(conv.forward(x)), x);
  const [gDense] = grad(at(dense.forward(x.view(1, -1)).view(1, C, H, W)), x);
  console.log(
    `one output pixel depends on ${nonZero(gConv!)} input pixels through the conv (its 5 × 5 window), ` +
      `on ${nonZero(gDense!)} through the dense layer\n`,
  );

  // ---- translation equivariance -----------------------------------------------------------------
  const s = args.shift;
  const canvas = pad(image.unsqueeze(0), [MARGIN, MARGIN, MARGIN, MARGIN]); // [1, 1, 36, 36]
  const side = H + 2 * MARGIN;
  const moved = shift(canvas, s, s);
  const filters = (t: Tensor) => conv2d(t, conv.weight, null, { padding: 2 }); // no bias: 0 stays 0
  const equiv = maxAbs(filters(moved).sub(shift(filters(canvas), s, s)));
  console.log(
    `on a ${side} × ${side} canvas (the image with a ${MARGIN}-pixel black border), shifted ${s} down and ${s} right:`,
  );
  console.log(
    `  conv:  max |conv(shift x) − shift(conv x)| = ${equiv} over ${count(C * side * side)} outputs (equivariant)`,
  );
  const dense2 = new Linear(side * side, side * side);
  const fc = (t: Tensor) => dense2.forward(t.reshape(1, -1)).reshape(1, 1, side, side);
  const fcGap = maxAbs(fc(moved).sub(shift(fc(canvas), s, s)));
  console.log(
    `  dense: max |fc(shift x) − shift(fc x)| = ${fcGap.toFixed(3)} (a ${side * side} → ${side * side} layer is not)\n`,
  );

  // ---- max pooling against small shifts ---------------------------------------------------------
  const features = (t: Tensor) => filters(t).relu();
  const stages: [string, (t: Tensor) => Tensor][] = [
    ["input pixels", (t) => t],
    ["conv + ReLU", features],
    ...[2, 4, 6, 12].map((k): [string, (t: Tensor) => Tensor] => [
      `max pool ${k} × ${k}`,
      (t) => maxPool2d(features(t), k),
    ]),
    [`max pool ${side} × ${side} (global)`, (t) => maxPool2d(features(t), side)],
  ];
  const directions = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const;
  console.log(`shifting the canvas by 1 pixel (up, down, left, right; mean):`);
  console.log(
    `  ${"representation".padEnd(28)} ${"outputs".padStart(8)}  changed  relative change`,
  );
  for (const [name, f] of stages) {
    const base = f(canvas);
    let [share, rel] = [0, 0];
    for (const [dy, dx] of directions) {
      const after = f(shift(canvas, dy, dx));
      share += changedShare(after, base) / directions.length;
      rel += norm(after.sub(base)) / norm(base) / directions.length;
    }
    const pct = `${(100 * share).toFixed(0)}%`;
    console.log(
      `  ${name.padEnd(28)} ${count(base.numel()).padStart(8)}  ${pct.padStart(7)}  ${rel.toFixed(3)}`,
    );
  }
  console.log(
    `(changed: of the outputs non-zero before or after; relative change ‖after − before‖/‖before‖)`,
  );

  // ---- the picture -----------------------------------------------------------------------------
  const f0 = features(canvas);
  const busiest = f0.sum([0, 2, 3]).argmax().item(); // the channel with the most activity
  const fx = f0.select(1, busiest);
  const fs = features(moved).select(1, busiest);
  const pool = (t: Tensor) => maxPool2d(features(t), 4).select(1, busiest);
  const [px, ps] = [pool(canvas), pool(moved)];
  const sym = (t: Tensor): [number, number] => [-maxAbs(t), maxAbs(t)];
  const rows = [
    {
      label: "INPUT",
      cells: [plane(canvas), plane(moved), null, plane(moved.sub(canvas), sym(canvas))],
    },
    {
      label: `CONV CH ${busiest}`,
      cells: [
        plane(fx),
        plane(fs),
        plane(fs.sub(shift(fx, s, s)), sym(fx)),
        plane(fs.sub(fx), sym(fx)),
      ],
    },
    { label: "MAX POOL 4", cells: [plane(px), plane(ps), null, plane(ps.sub(px), sym(px))] },
  ];
  const png = join(args.out, "conv-explained.png");
  writePng(
    png,
    gridImage(rows, {
      title: [
        `SHIFTED ${s} PX DOWN AND RIGHT; DIFFERENCES RED UP, BLUE DOWN`,
        "VS SHIFTED: AFTER - SHIFT(BEFORE), ALL 0 FOR THE CONV",
        "VS BEFORE: AFTER - BEFORE, SMALLER AFTER MAX POOLING",
      ].join("\n"),
      columns: ["BEFORE", "AFTER", "VS SHIFTED", "VS BEFORE"],
      cell: 3 * side,
    }),
  );
  console.log(`wrote ${png}`);
});
