/**
 * The training session inside the worker: the article's ConvNet1, Adam with a cosine schedule
 * (`npm run train`'s recipe), the packed Fashion-MNIST subset, and what the page asks of them —
 * steps, evaluations, predictions, activation maps, safetensors in and out. Nothing here is ever
 * disposed: tensors are garbage-collected.
 */
import {
  Generator,
  IndexError,
  ValueError,
  fromTypedArray,
  manualSeed,
  memoryStats,
  noGrad,
  type Tensor,
} from "@tsgrad/core";
import { DataLoader, Dataset } from "@tsgrad/datasets";
import { CrossEntropyLoss, parseSafetensors, serializeSafetensors } from "@tsgrad/nn";
import { Adam, CosineAnnealingLR } from "@tsgrad/optim";
import { ConvNet1 } from "../../lib/convnet.js";
import { PIXELS, type PackedSplit } from "./packed-data.js";
import type {
  ActivationMaps,
  Evaluation,
  MemorySample,
  Planes,
  Progress,
  TrainConfig,
} from "./protocol.js";

type Sample = [Tensor, number];
type Batch = [Tensor, Tensor];

/** `v / 255` in float32 for every byte: the Node loader's values, bit for bit. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * A packed split as a dataset: pixels stay uint8 and become float32 in [0, 1] a batch at a time
 * (as `FashionMNIST.getBatch` does in Node), so no batch copies the whole split into the wasm
 * memory. Shape: images `[B, 1, 28, 28]`, labels `[B]` int32.
 */
class PackedImages extends Dataset<Sample> {
  readonly length: number;

  constructor(readonly split: PackedSplit) {
    super();
    this.length = split.labels.length;
  }

  get(index: number): Sample {
    const [images] = this.getBatch(Int32Array.of(index));
    return [images.view(1, 28, 28), this.split.labels[index]!];
  }

  override getBatch(indices: Int32Array): Batch {
    const { images, labels } = this.split;
    const out = new Float32Array(indices.length * PIXELS);
    indices.forEach((index, b) => {
      if (!Number.isInteger(index) || index < 0 || index >= this.length) {
        throw new IndexError(`image ${index} does not exist (0 to ${this.length - 1})`);
      }
      for (let j = 0; j < PIXELS; j++) out[b * PIXELS + j] = UNIT[images[index * PIXELS + j]!]!;
    });
    const label = Int32Array.from(indices, (i) => labels[i]!);
    return [
      fromTypedArray(out, [indices.length, 1, 28, 28]),
      fromTypedArray(label, [indices.length]),
    ];
  }
}

/** Maps of a [1, C, H, W] activation (or the filters [C, 1, H, W]) as planes. */
function planesOf(t: Tensor): Planes {
  const [rows, cols] = t.shape.slice(-2) as [number, number];
  const values = Float32Array.from(t.dataSync());
  return { count: values.length / (rows * cols), rows, cols, values };
}

/** Throws a `ValueError` naming the first setting of `config` that cannot run. */
function checkConfig(config: TrainConfig): void {
  for (const key of ["epochs", "batchSize", "evalEvery"] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new ValueError(`${key} must be a positive integer, got ${config[key]}`);
    }
  }
  if (!Number.isInteger(config.seed) || config.seed < 0) {
    throw new ValueError(`seed must be a non-negative integer, got ${config.seed}`);
  }
  if (!(config.lr > 0 && Number.isFinite(config.lr))) {
    throw new ValueError(`lr must be a positive number, got ${config.lr}`);
  }
}

/** Evaluation batches of 100, as `npm run train` has them (larger ones only grow the arena). */
const EVAL_BATCH = 100;

/** One model, its optimizer and schedule, and the data; stepped by `trainStep()`. */
export class Session {
  readonly train: PackedImages;
  readonly test: PackedImages;
  config: TrainConfig;
  private model!: ConvNet1;
  private optimizer!: Adam;
  private scheduler!: CosineAnnealingLR;
  private loader!: DataLoader<Sample>;
  private batches: Iterator<Batch> | null = null;
  private readonly criterion = new CrossEntropyLoss();
  /** Steps since the reset; steps and training seconds of the current plan. */
  step = 0;
  planStep = 0;
  private planSeconds = 0;
  private planSamples = 0;
  private window = { loss: 0, correct: 0, seen: 0 };

  constructor(train: PackedSplit, test: PackedSplit, config: TrainConfig) {
    this.train = new PackedImages(train);
    this.test = new PackedImages(test);
    this.config = config;
    this.reset(config);
  }

  /** Steps in one pass over the training images. */
  get stepsPerEpoch(): number {
    return this.loader.length;
  }

  /** Steps of a whole plan. */
  get planSteps(): number {
    return this.config.epochs * this.stepsPerEpoch;
  }

  /** Whether the current plan has run all its steps. */
  get planDone(): boolean {
    return this.planStep >= this.planSteps;
  }

  /**
   * A fresh model, optimizer and plan, seeded as `npm run train` seeds them. `ValueError` for a
   * plan that cannot run.
   */
  reset(config: TrainConfig): void {
    checkConfig(config);
    this.config = config;
    this.loader = new DataLoader(this.train, {
      batchSize: config.batchSize,
      shuffle: true,
      generator: new Generator(config.seed),
    });
    manualSeed(config.seed);
    this.model = new ConvNet1();
    this.optimizer = new Adam(this.model.parameters(), { lr: config.lr });
    this.step = 0;
    this.startPlan();
  }

  /** Another plan over the trained model: the learning rate back to `lr`, a new cosine. */
  startPlan(): void {
    for (const group of this.optimizer.paramGroups) group.lr = this.config.lr;
    this.scheduler = new CosineAnnealingLR(this.optimizer, this.planSteps);
    this.planStep = 0;
    this.planSeconds = 0;
    this.planSamples = 0;
    this.batches = null;
  }

  /** One training step on the next batch (a new shuffled pass when the last one ended). */
  trainStep(): void {
    const t0 = performance.now();
    let next = this.batches?.next();
    if (next === undefined || next.done) {
      this.batches = this.loader[Symbol.iterator]();
      next = this.batches.next();
    }
    const [images, labels] = next.value;
    this.model.train();
    this.optimizer.zeroGrad();
    const logits = this.model.forward(images);
    const loss = this.criterion.forward(logits, labels);
    loss.backward();
    this.optimizer.step();
    this.scheduler.step();
    const n = labels.numel();
    this.window.loss += loss.item() * n;
    this.window.correct += logits.argmax(1).eq(labels).sum().item();
    this.window.seen += n;
    this.planSeconds += (performance.now() - t0) / 1000;
    this.planSamples += n;
    this.step++;
    this.planStep++;
  }

  /** Whether the step just taken ended an epoch. */
  get epochEnded(): boolean {
    return this.planStep % this.stepsPerEpoch === 0;
  }

  /** Training samples per second over the plan so far. */
  get samplesPerSecond(): number {
    return this.planSeconds > 0 ? this.planSamples / this.planSeconds : 0;
  }

  /** The report of the steps since the last one (their mean loss and accuracy). */
  progress(): Progress {
    const w = this.window;
    this.window = { loss: 0, correct: 0, seen: 0 };
    return {
      step: this.step,
      planStep: this.planStep,
      planSteps: this.planSteps,
      epoch: Math.min(this.config.epochs, Math.floor(this.planStep / this.stepsPerEpoch) + 1),
      loss: w.seen > 0 ? w.loss / w.seen : NaN,
      trainAccuracy: w.seen > 0 ? w.correct / w.seen : NaN,
      lr: this.optimizer.paramGroups[0]!.lr,
      samplesPerSecond: this.samplesPerSecond,
      memory: this.memory(),
    };
  }

  /** Live tensors and the wasm memory now. */
  memory(): MemorySample {
    const stats = memoryStats();
    return {
      step: this.step,
      liveTensors: stats.liveTensors,
      tensorBytes: stats.liveBytes,
      wasmBytes: stats.arenaBytes,
    };
  }

  /** The predicted classes of the test images at `indices`. */
  predict(indices: readonly number[]): number[] {
    this.model.eval();
    const out: number[] = [];
    noGrad(() => {
      for (let at = 0; at < indices.length; at += EVAL_BATCH) {
        const batch = Int32Array.from(indices.slice(at, at + EVAL_BATCH));
        const [images] = this.test.getBatch(batch);
        out.push(...this.model.forward(images).argmax(1).dataSync());
      }
    });
    return out;
  }

  /** Accuracy over every test image, with each prediction. */
  evaluate(): Evaluation {
    const predictions = this.predict(Array.from({ length: this.test.length }, (_, i) => i));
    const correct = predictions.filter((p, i) => p === this.test.split.labels[i]).length;
    return { step: this.step, testAccuracy: correct / predictions.length, predictions };
  }

  /**
   * Test image `index` through the network one layer at a time: conv1 and conv2's maps after
   * batch norm and ReLU (what the article calls activation maps), conv1's filters, and the class
   * probabilities.
   */
  maps(index: number): ActivationMaps {
    const m = this.model;
    m.eval();
    return noGrad(() => {
      const [image, label] = this.test.getBatch(Int32Array.of(index));
      const conv1 = m.relu1.forward(m.batch1.forward(m.conv1.forward(image)));
      const conv2 = m.relu2.forward(m.batch2.forward(m.conv2.forward(m.pool1.forward(conv1))));
      const flat = m.pool2.forward(conv2).view(1, -1);
      const probabilities = [...m.fc.forward(flat).softmax(1).dataSync()];
      return {
        index,
        label: label.item(),
        image: planesOf(image),
        conv1: planesOf(conv1),
        conv2: planesOf(conv2),
        filters: planesOf(m.conv1.weight),
        probabilities,
      };
    });
  }

  /** The model's state dict as safetensors bytes (PyTorch's key names). */
  save(): Uint8Array {
    return serializeSafetensors(this.model.stateDict(), {
      format: "pt",
      producer: "tsgrad browser demo",
    });
  }

  /**
   * Loads a ConvNet1 state dict from safetensors bytes (from `npm run train` or `save()`); the
   * optimizer starts over on it. Throws a `DataError` or `ShapeError` naming the problem when the
   * file is not one or does not fit.
   */
  load(bytes: Uint8Array, name: string): void {
    const { tensors } = parseSafetensors(bytes, name);
    const model = new ConvNet1();
    model.loadStateDict(tensors);
    this.model = model;
    this.optimizer = new Adam(model.parameters(), { lr: this.config.lr });
    this.startPlan();
  }
}
