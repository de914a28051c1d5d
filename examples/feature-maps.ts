/**
 * What the trained convnet sees: the article's ConvNet1, loaded from a training run's
 * model.safetensors (or trained briefly here when no run is given), shows its 16 conv1 filters
 * and the conv1 and conv2 activation maps (after batch norm and ReLU) of a few test images, one
 * of each class, as PNG pictures in the output folder.
 *
 *   npx tsx examples/feature-maps.ts --run runs/fashion-mnist-convnet   # a finished training run
 *   npx tsx examples/feature-maps.ts --limit 3000                       # train 1 epoch here first
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Generator, TsgradError, manualSeed, noGrad, stack, type Tensor } from "@tsgrad/core";
import { DataLoader, type DatasetLike } from "@tsgrad/datasets";
import { FashionMNIST } from "@tsgrad/datasets/node";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";
import { Adam } from "@tsgrad/optim";
import { RunError, UsageError, runCommand } from "./lib/cli.js";
import { ConvNet1 } from "./lib/convnet.js";
import { loadFashionMNIST, type Sample } from "./lib/fashion-data.js";
import { integer, text } from "./lib/flags.js";
import { gridImage, writePng, type GridRow, type Plane } from "./lib/images.js";

const COMMAND = {
  usage: "npx tsx examples/feature-maps.ts [flags]",
  summary:
    "Writes ConvNet1's conv1 filters and the conv1/conv2 activation maps of a few test images " +
    "to DIR/conv1-filters.png, DIR/conv1-maps.png and DIR/conv2-maps.png.",
  flags: {
    run: text("a training run's folder holding model.safetensors (default: train briefly here)", {
      metavar: "DIR",
    }),
    limit: integer("without --run: training images for one epoch", { min: 1, default: 3000 }),
    "batch-size": integer("without --run: batch size", { min: 1, default: 32 }),
    seed: integer("without --run: seed of the initialisation and shuffling", { default: 0 }),
    images: integer("test images to show, one of each class (1 to 10)", { min: 1, default: 4 }),
    data: text("folder holding Fashion-MNIST (default: the usual places)", { metavar: "DIR" }),
    out: text("output folder", { metavar: "DIR", default: "runs/feature-maps" }),
  },
  notes: [
    "Without --run it trains for one epoch on the first --limit training images with Adam " +
      "(lr 0.001) and saves the model as DIR/model.safetensors, which a later --run DIR reuses.",
  ],
};

/** The model of a training run folder, with a one-line error when it is missing or does not fit. */
function loadRun(dir: string): ConvNet1 {
  const file = join(dir, "model.safetensors");
  if (!existsSync(file)) {
    throw new RunError(
      `${file} not found: --run takes the --out folder of examples/fashion-mnist-convnet.ts (or of this example); leave it out to train briefly here`,
    );
  }
  const model = new ConvNet1();
  try {
    model.loadStateDict(loadSafetensors(file).tensors);
  } catch (e) {
    if (!(e instanceof TsgradError)) throw e;
    throw new RunError(`${file} does not fit ConvNet1: ${e.message}`);
  }
  return model;
}

/** One epoch of Adam on `train`; prints the loss every quarter of it. */
function trainBriefly(train: DatasetLike<Sample>, batchSize: number, seed: number): ConvNet1 {
  manualSeed(seed);
  const model = new ConvNet1();
  const optimizer = new Adam(model.parameters(), { lr: 0.001 });
  const criterion = new CrossEntropyLoss();
  const loader = new DataLoader(train, {
    batchSize,
    shuffle: true,
    generator: new Generator(seed),
  });
  const every = Math.max(1, Math.ceil(loader.length / 4));
  let step = 0;
  model.train();
  for (const [images, labels] of loader) {
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(images), labels);
    loss.backward();
    optimizer.step();
    if (++step % every === 0 || step === loader.length) {
      console.log(`  step ${step}/${loader.length}: loss ${loss.item().toFixed(4)}`);
    }
  }
  return model;
}

/** The first test image of each of the first `n` classes that occur, in test-set order. */
function oneOfEachClass(test: DatasetLike<Sample>, n: number): Sample[] {
  const picked = new Map<number, Sample>();
  for (let i = 0; i < test.length && picked.size < n; i++) {
    const sample = test.get(i);
    if (!picked.has(sample[1])) picked.set(sample[1], sample);
  }
  return [...picked.values()];
}

/**
 * The planes of a [C, H, W] tensor, one per channel. Activations (ReLU outputs) are coloured from
 * 0 to their map's maximum, so a map that stays 0 is dark; filters symmetrically around 0.
 */
function planes(t: Tensor, colormap: "viridis" | "diverging" = "viridis"): Plane[] {
  const [C, rows, cols] = t.shape as [number, number, number];
  const data = t.dataSync();
  return Array.from({ length: C }, (_, c) => {
    const values = data.subarray(c * rows * cols, (c + 1) * rows * cols);
    if (colormap === "diverging") return { rows, cols, colormap, values };
    const top = Math.max(0, ...values);
    return { rows, cols, colormap, values, range: [0, top > 0 ? top : 1] as const };
  });
}

await runCommand(COMMAND, ({ values: args, given }) => {
  if (args.images > 10) {
    throw new UsageError(`--images: expected an integer from 1 to 10, got ${args.images}`);
  }
  const trainOnly = (["limit", "batch-size", "seed"] as const).filter((f) => given.has(f));
  if (args.run !== undefined && trainOnly.length > 0) {
    throw new UsageError(`--${trainOnly[0]} sets up training here, which --run skips; give one`);
  }
  const data = loadFashionMNIST(args.data, args.run === undefined ? args.limit : null, null);
  let model: ConvNet1;
  if (args.run !== undefined) {
    model = loadRun(args.run);
    console.log(`loaded ConvNet1 from ${join(args.run, "model.safetensors")}`);
  } else {
    console.log(`training ConvNet1 for one epoch on ${data.train.length} images (Adam, lr 0.001)`);
    model = trainBriefly(data.train, args["batch-size"], args.seed);
    mkdirSync(args.out, { recursive: true });
    const file = join(args.out, "model.safetensors");
    saveSafetensors(model.stateDict(), file);
    console.log(`saved ${file} (reuse it with --run ${args.out})`);
  }
  model.eval();

  // ---- activations of a few test images, caught by forward hooks --------------------------------
  const samples = oneOfEachClass(data.test, args.images);
  const name = (label: number): string => FashionMNIST.classes[label]!;
  const seen: Record<"conv1" | "conv2", Tensor | null> = { conv1: null, conv2: null };
  const hooks = [
    model.relu1.registerForwardHook((_m, _in, out) => {
      seen.conv1 = out;
    }),
    model.relu2.registerForwardHook((_m, _in, out) => {
      seen.conv2 = out;
    }),
  ];
  const images = stack(samples.map(([x]) => x));
  const probs = noGrad(() => model.forward(images).softmax(1));
  hooks.forEach((h) => h.remove());
  const predicted = probs.argmax(1).dataSync();
  samples.forEach(([, label], i) => {
    const p = predicted[i]!;
    const conf = (100 * probs.select(0, i).select(0, p).item()).toFixed(1);
    console.log(`test image of ${name(label)}: predicted ${name(p)} (${conf}%)`);
  });

  // ---- pictures ---------------------------------------------------------------------------------
  const weights = model.conv1.weight.detach().reshape(16, 5, 5);
  const filterRows: GridRow[] = [0, 8].map((from) => ({
    label: `${from}-${from + 7}`,
    cells: planes(weights.narrow(0, from, 8), "diverging"),
  }));
  const written: string[] = [];
  const write = (file: string, rows: GridRow[], title: string, cell: number, columns: string[]) => {
    const path = join(args.out, file);
    writePng(path, gridImage(rows, { title, columns, cell, colGap: 6 }));
    written.push(path);
  };
  write("conv1-filters.png", filterRows, "CONV1 FILTERS 5X5: RED +, BLUE -", 60, []);
  for (const [layer, maps] of Object.entries(seen)) {
    const [, C, size] = maps!.shape as [number, number, number];
    // 16 maps a row: conv2's 32 channels take two rows per image, the second starting at 16
    const rows = samples.flatMap(([x, label], i): GridRow[] => {
      const image: Plane = { rows: 28, cols: 28, values: x.dataSync() };
      const all = planes(maps!.select(0, i));
      return Array.from({ length: C / 16 }, (_, r) => ({
        label: r === 0 ? name(label) : `+${16 * r}`,
        cells: [r === 0 ? image : null, ...all.slice(16 * r, 16 * r + 16)],
      }));
    });
    const columns = ["IMAGE", ...Array.from({ length: 16 }, (_, c) => String(c))];
    const title = `${layer.toUpperCase()}: ${C} CHANNELS ${size}X${size} AFTER BATCH NORM AND RELU`;
    write(`${layer}-maps.png`, rows, title, 56, columns);
  }
  console.log(`wrote ${written.join(", ")}`);
});
