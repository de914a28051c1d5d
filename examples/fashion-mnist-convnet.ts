/**
 * The article's convnet on Fashion-MNIST, trained with cross-entropy and Adam — the reference
 * workload of tsgrad. Default recipe: batch 100, 5 epochs, lr 0.001 annealed with a cosine over
 * the run. Writes metrics, plots, the model and a resumable checkpoint to the run directory.
 *
 *   npm run train                                     # the defaults
 *   npx tsx examples/fashion-mnist-convnet.ts --epochs 1 --limit 6000 --batch-size 32
 *   npx tsx examples/fashion-mnist-convnet.ts --resume --epochs 8
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import {
  Generator,
  TsgradError,
  defaultGenerator,
  manualSeed,
  noGrad,
  setBackend,
  jsBackend,
} from "@tsgrad/core";
import { DataLoader, FashionMNIST, Subset } from "@tsgrad/datasets";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { saveSafetensors } from "@tsgrad/nn/node";
import { Adam, CosineAnnealingLR, LRScheduler, StepLR, type AdamGroupOptions } from "@tsgrad/optim";
import { loadCheckpoint, saveCheckpoint } from "./lib/checkpoint.js";
import { ConvNet1 } from "./lib/convnet.js";
import { writeFileAtomic } from "./lib/files.js";
import { confusionChart, lineChart, renderSvg } from "./lib/plots.js";

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "5" },
    "batch-size": { type: "string", default: "100" },
    lr: { type: "string", default: "0.001" },
    seed: { type: "string", default: "0" },
    schedule: { type: "string", default: "cosine" },
    "schedule-epochs": { type: "string" },
    backend: { type: "string", default: "js" },
    limit: { type: "string" },
    "test-limit": { type: "string" },
    data: { type: "string" },
    out: { type: "string", default: "runs/fashion-mnist-convnet" },
    resume: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`Usage: npx tsx examples/fashion-mnist-convnet.ts [options]
  --epochs N            epochs to train in total (default 5)
  --batch-size N        training batch size (default 100)
  --lr X                Adam learning rate (default 0.001)
  --seed N              seed for init and shuffling (default 0)
  --schedule S          cosine (default) or constant learning rate
  --schedule-epochs N   length of the cosine in epochs (default: --epochs; give the full length
                        when a run will be stopped and resumed)
  --backend NAME        kernel backend (default js)
  --limit N             train on the first N training images only
  --test-limit N        evaluate on the first N test images only
  --data DIR            directory holding the Fashion-MNIST files
  --out DIR             run directory (default runs/fashion-mnist-convnet)
  --resume              continue from DIR/checkpoint.safetensors`);
  process.exit(0);
}

/** Reports a user error (bad flag, missing data or checkpoint) without a stack trace. */
function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}
/** Runs `fn`, turning tsgrad's typed errors (missing files, corrupt checkpoints) into `fail`. */
function orFail<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TsgradError) fail(e.message);
    throw e;
  }
}

const int = (name: string, v: string | undefined, fallback?: number): number => {
  const n = v === undefined ? fallback : Number(v);
  if (n === undefined || !Number.isInteger(n) || n < 0)
    fail(`--${name}: expected a non-negative integer, got ${v}`);
  return n;
};
const epochs = int("epochs", args.epochs);
const batchSize = int("batch-size", args["batch-size"]);
const seed = int("seed", args.seed);
const lr = Number(args.lr);
if (!(lr > 0)) fail(`--lr: expected a positive number, got ${args.lr}`);
const scheduleEpochs = int("schedule-epochs", args["schedule-epochs"], epochs);
if (args.schedule !== "cosine" && args.schedule !== "constant")
  fail(`--schedule: expected cosine or constant, got ${args.schedule}`);
if (args.backend !== "js") fail(`--backend: unknown backend '${args.backend}' (available: js)`);
setBackend(jsBackend);

// ---- data ------------------------------------------------------------------------------------
const root = args.data;
const fullTrain = orFail(() => new FashionMNIST({ root, train: true }));
const fullTest = orFail(() => new FashionMNIST({ root, train: false }));
const firstN = (ds: { length: number }, n: number | undefined) =>
  Array.from({ length: Math.min(n ?? ds.length, ds.length) }, (_, i) => i);
const trainSet = args.limit
  ? new Subset(fullTrain, firstN(fullTrain, int("limit", args.limit)))
  : fullTrain;
const testSet = args["test-limit"]
  ? new Subset(fullTest, firstN(fullTest, int("test-limit", args["test-limit"])))
  : fullTest;
const loaderGenerator = new Generator(seed);
const trainLoader = new DataLoader(trainSet, {
  batchSize,
  shuffle: true,
  generator: loaderGenerator,
});
const testLoader = new DataLoader(testSet, { batchSize: 1000 });

// ---- model, loss, optimizer, schedule ----------------------------------------------------------
manualSeed(seed);
const model = new ConvNet1();
const criterion = new CrossEntropyLoss();
const optimizer = new Adam(model.parameters(), { lr });
const totalSteps = scheduleEpochs * trainLoader.length;
const scheduler: LRScheduler =
  args.schedule === "cosine"
    ? new CosineAnnealingLR(optimizer, totalSteps)
    : new StepLR(optimizer, 1, { gamma: 1 });

interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}
const out = args.out;
mkdirSync(out, { recursive: true });
const ckptPath = join(out, "checkpoint.safetensors");
let metrics: EpochMetrics[] = [];
let startEpoch = 1;
let step = 0;
if (args.resume) {
  if (!existsSync(ckptPath)) fail(`--resume: no checkpoint at ${ckptPath}`);
  const ckpt = orFail(() => loadCheckpoint<AdamGroupOptions>(ckptPath));
  model.loadStateDict(ckpt.model);
  optimizer.loadStateDict(ckpt.optimizer);
  scheduler.loadStateDict(ckpt.scheduler);
  defaultGenerator.setState(ckpt.rng.default);
  loaderGenerator.setState(ckpt.rng.loader);
  metrics = (
    JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { epochs: EpochMetrics[] }
  ).epochs;
  metrics = metrics.filter((m) => m.epoch <= ckpt.epoch);
  startEpoch = ckpt.epoch + 1;
  step = ckpt.step;
  console.log(`resuming from epoch ${ckpt.epoch} (step ${step}) in ${out}`);
}

console.log(
  `Fashion-MNIST: ${trainSet.length} train / ${testSet.length} test images; ConvNet1 with ` +
    `${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters; Adam lr ${lr}, ` +
    `${args.schedule} schedule, batch ${batchSize}, ${epochs} epochs, backend ${args.backend}`,
);

/** Test accuracy and confusion matrix (rows: actual class, columns: predicted). */
function evaluate(): { accuracy: number; confusion: number[][] } {
  model.eval();
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  noGrad(() => {
    for (const [images, labels] of testLoader) {
      const pred = model.forward(images).argmax(1).dataSync();
      const truth = labels.dataSync();
      pred.forEach((p, i) => {
        confusion[truth[i]!]![p]!++;
        if (p === truth[i]) correct++;
      });
    }
  });
  return { accuracy: correct / testSet.length, confusion };
}

const bar = new SingleBar({
  format:
    "epoch {epoch} [{bar}] {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}",
  hideCursor: true,
  clearOnComplete: true,
});
for (let epoch = startEpoch; epoch <= epochs; epoch++) {
  model.train();
  const t0 = performance.now();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  bar.start(trainLoader.length, 0, { epoch, loss: "-", rate: "-" });
  for (const [images, labels] of trainLoader) {
    optimizer.zeroGrad();
    const logits = model.forward(images);
    const loss = criterion.forward(logits, labels);
    loss.backward();
    optimizer.step();
    scheduler.step();
    step++;
    const n = labels.numel();
    lossSum += loss.item() * n;
    correct += logits.argmax(1).eq(labels).sum().item();
    seen += n;
    const rate = seen / ((performance.now() - t0) / 1000);
    bar.increment(1, { loss: (lossSum / seen).toFixed(4), rate: rate.toFixed(0) });
  }
  bar.stop();
  const { accuracy, confusion } = evaluate();
  const seconds = (performance.now() - t0) / 1000;
  metrics.push({
    epoch,
    trainLoss: lossSum / seen,
    trainAccuracy: correct / seen,
    testAccuracy: accuracy,
    seconds,
    samplesPerSecond: seen / seconds,
  });
  const m = metrics.at(-1)!;
  console.log(
    `epoch ${epoch}/${epochs}: train loss ${m.trainLoss.toFixed(4)}, train acc ${(100 * m.trainAccuracy).toFixed(2)}%, ` +
      `test acc ${(100 * accuracy).toFixed(2)}%, ${seconds.toFixed(1)} s (${m.samplesPerSecond.toFixed(0)} samples/s)`,
  );

  // ---- outputs, each written atomically ------------------------------------------------------
  const hyperparameters = {
    epochs,
    batchSize,
    lr,
    seed,
    schedule: args.schedule,
    scheduleEpochs,
    backend: args.backend,
  };
  writeFileAtomic(
    join(out, "metrics.json"),
    JSON.stringify({ hyperparameters, epochs: metrics }, null, 2) + "\n",
  );
  saveSafetensors(model.stateDict(), join(out, "model.safetensors"), { format: "pt" });
  saveCheckpoint(ckptPath, {
    epoch,
    step,
    hyperparameters,
    model: model.stateDict(),
    optimizer: optimizer.stateDict(),
    scheduler: scheduler.stateDict(),
    rng: { default: defaultGenerator.getState(), loader: loaderGenerator.getState() },
  });
  const curve = metrics.flatMap((e) => [
    { x: e.epoch, y: e.trainLoss, series: "train loss", panel: "loss" },
    { x: e.epoch, y: 100 * e.trainAccuracy, series: "train accuracy", panel: "accuracy (%)" },
    { x: e.epoch, y: 100 * e.testAccuracy, series: "test accuracy", panel: "accuracy (%)" },
  ]);
  writeFileAtomic(
    join(out, "curves.svg"),
    await renderSvg(
      lineChart(curve, { title: "ConvNet1 on Fashion-MNIST", xTitle: "epoch", yTitle: "" }),
    ),
  );
  const title = `Test confusion matrix after epoch ${epoch} (accuracy ${(100 * accuracy).toFixed(2)}%)`;
  writeFileAtomic(
    join(out, "confusion.svg"),
    await renderSvg(confusionChart(confusion, FashionMNIST.classes, title)),
  );
}
const last = metrics.at(-1);
if (last)
  console.log(`final test accuracy ${(100 * last.testAccuracy).toFixed(2)}% — outputs in ${out}`);
