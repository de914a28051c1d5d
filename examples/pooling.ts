/**
 * The article's four pooling functions — max, average, L2 norm and an average weighted by the
 * distance from the window's centre — on a Fashion-MNIST test image at a few kernel, stride,
 * padding and dilation settings. Prints the output size the article's formula gives next to the
 * shape each op returns, and writes the pooled images as one grid (DIR/pooling.png) and the
 * table as DIR/pooling.json.
 *
 *   npx tsx examples/pooling.ts [--index 0] [--out runs/pooling] [--data DIR]
 */
import { join } from "node:path";
import {
  avgPool2d,
  distanceWeightedAvgPool2d,
  distanceWeights,
  lpPool2d,
  maxPool2d,
  pad,
  type Tensor,
} from "@tsgrad/core";
import { RunError, UsageError, runCommand } from "./lib/cli.js";
import { loadFashionTest } from "./lib/fashion-data.js";
import { writeFileAtomic } from "./lib/files.js";
import { integer, text } from "./lib/flags.js";
import { gridImage, writePng, type GridRow, type Plane } from "./lib/images.js";

const COMMAND = {
  usage: "npx tsx examples/pooling.ts [flags]",
  summary:
    "Pools a Fashion-MNIST test image with max, average, L2 and distance-weighted pooling; " +
    "prints the output-size formula next to the ops' shapes; writes DIR/pooling.png and DIR/pooling.json.",
  flags: {
    index: integer("which test image (0 to 9999)", { default: 0 }),
    data: text("folder holding Fashion-MNIST (default: the usual places)", { metavar: "DIR" }),
    out: text("output folder", { metavar: "DIR", default: "runs/pooling" }),
  },
};

/** A pooling configuration (one int for both axes, as the article writes it). */
interface Setting {
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

const SETTINGS: readonly Setting[] = [
  { kernel: 2, stride: 2, padding: 0, dilation: 1 }, // the convnet's MaxPool2d(2)
  { kernel: 3, stride: 2, padding: 1, dilation: 1 },
  { kernel: 3, stride: 1, padding: 1, dilation: 1 }, // keeps the size
  { kernel: 3, stride: 3, padding: 0, dilation: 1 }, // (28 − 3)/3 is not whole: the ops round down
  { kernel: 5, stride: 3, padding: 2, dilation: 1 },
  { kernel: 2, stride: 2, padding: 0, dilation: 2 }, // a dilated window spans F = 3 pixels
];

const plain = (s: Setting) => ({ stride: s.stride, padding: s.padding });

/** The pooling kinds; `null` where an op does not take the setting (only max pooling dilates). */
const KINDS: Record<string, (x: Tensor, s: Setting) => Tensor | null> = {
  max: (x, s) => maxPool2d(x, s.kernel, s),
  average: (x, s) => (s.dilation === 1 ? avgPool2d(x, s.kernel, plain(s)) : null),
  // lpPool2d has no padding argument (nor has PyTorch's): zeros add nothing to Σx², so pad first
  L2: (x, s) => {
    if (s.dilation !== 1) return null;
    const p = s.padding;
    return lpPool2d(pad(x, [p, p, p, p]), 2, s.kernel, { stride: s.stride });
  },
  distance: (x, s) => (s.dilation === 1 ? distanceWeightedAvgPool2d(x, s.kernel, plain(s)) : null),
};

/** The article's output size ⌊(W − F + 2P)/S⌋ + 1 with the window's span F = D·(K − 1) + 1. */
function formulaSize(W: number, s: Setting): number {
  const F = s.dilation * (s.kernel - 1) + 1;
  return Math.floor((W - F + 2 * s.padding) / s.stride) + 1;
}

/** The formula written out with numbers: `⌊(28 − 3 + 2)/2⌋ + 1 = 14`. */
function formulaText(W: number, s: Setting): string {
  const F = s.dilation * (s.kernel - 1) + 1;
  return `⌊(${W} − ${F} + ${2 * s.padding})/${s.stride}⌋ + 1 = ${formulaSize(W, s)}`;
}

/** A table row of pooling.json. */
interface Row extends Setting {
  /** Output height and width by the formula. */
  formula: [number, number];
  /** The shape each op returned, `null` where it does not take the setting. */
  shapes: Record<string, readonly number[] | null>;
}

const plane = (t: Tensor): Plane => {
  const [rows, cols] = t.shape.slice(-2) as [number, number];
  return { rows, cols, values: t.dataSync() };
};
const label = (s: Setting): string =>
  `K${s.kernel} S${s.stride} P${s.padding}${s.dilation === 1 ? "" : ` D${s.dilation}`}`;

await runCommand(COMMAND, ({ values: args }) => {
  const test = loadFashionTest(args.data);
  if (args.index >= test.length) {
    throw new UsageError(
      `--index: expected an integer from 0 to ${test.length - 1}, got ${args.index}`,
    );
  }
  const [image, labelIndex] = test.get(args.index);
  const className = test.classes[labelIndex]!;
  const x = image.unsqueeze(0); // [1, 1, 28, 28]
  const [H, W] = x.shape.slice(-2) as [number, number];
  console.log(
    `test image ${args.index} (${className}), ${H} × ${W}; K kernel, S stride, P padding, D dilation`,
  );
  console.log(
    `the article's output size: ⌊(W − F + 2P)/S⌋ + 1, with F = D·(K − 1) + 1 the window's span\n`,
  );

  const kinds = Object.keys(KINDS);
  const formulaW = Math.max(...SETTINGS.map((s) => formulaText(W, s).length));
  const head = ["K", "S", "P", "D", "formula".padEnd(formulaW), ...kinds.map((k) => k.padEnd(8))];
  console.log(head.join("  ").trimEnd());
  const rows: Row[] = [];
  const gridRows: GridRow[] = [{ label: "", cells: [plane(x)] }];
  let mismatches = 0;
  for (const s of SETTINGS) {
    const formula: [number, number] = [formulaSize(H, s), formulaSize(W, s)];
    const outs = kinds.map((k) => KINDS[k]!(x, s));
    const shapes = Object.fromEntries(kinds.map((k, i) => [k, outs[i]?.shape ?? null]));
    const cells = outs.map((o) => {
      if (o === null) return "—".padEnd(8);
      const [oh, ow] = o.shape.slice(-2) as [number, number];
      const ok = oh === formula[0] && ow === formula[1];
      if (!ok) mismatches++;
      return `${oh} × ${ow}${ok ? "" : " ≠"}`.padEnd(8);
    });
    const settingCols = [s.kernel, s.stride, s.padding, s.dilation].map(String);
    console.log(
      [...settingCols, formulaText(W, s).padEnd(formulaW), ...cells].join("  ").trimEnd(),
    );
    rows.push({ ...s, formula, shapes });
    const size = `: ${formula[0]}X${formula[1]}`;
    gridRows.push({
      label: label(s) + size,
      cells: [null, ...outs.map((o) => (o ? plane(o) : null))],
    });
  }

  const w = distanceWeights(3, { dtype: "float64" }).dataSync();
  const fmt = (i: number) => w[i]!.toFixed(3);
  console.log(
    `\ndistance weights of a 3 × 3 window (σ 0.8): corners ${fmt(0)}, edges ${fmt(1)}, centre ${fmt(4)}`,
  );

  const grid = gridImage(gridRows, {
    title: `POOLING A ${H}X${W} ${className}`,
    columns: ["INPUT", "MAX", "AVERAGE", "L2 NORM", "DISTANCE"],
    cell: 3 * W,
  });
  const png = join(args.out, "pooling.png");
  writePng(png, grid);
  const json = join(args.out, "pooling.json");
  const record = { index: args.index, label: className, size: [H, W], rows };
  writeFileAtomic(json, JSON.stringify(record, null, 2) + "\n");
  console.log(`wrote ${png} and ${json}`);
  if (mismatches > 0) {
    throw new RunError(`${mismatches} output shape(s) differ from the formula (marked ≠ above)`);
  }
});
