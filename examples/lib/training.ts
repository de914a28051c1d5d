/** One training epoch and one evaluation of the convnet, each timed on its own. */
import { noGrad } from "@tsgrad/core";
import type { DataLoader } from "@tsgrad/datasets";
import type { CrossEntropyLoss } from "@tsgrad/nn";
import type { LRScheduler, Optimizer } from "@tsgrad/optim";
import type { ConvNet1 } from "./convnet.js";
import type { Sample } from "./fashion-data.js";
import type { KillSwitch } from "./kill-points.js";
import type { Progress } from "./progress.js";

/** What an epoch trains with. The scheduler is stepped after every optimizer step. */
export interface TrainingParts {
  model: ConvNet1;
  criterion: CrossEntropyLoss;
  optimizer: Optimizer;
  scheduler: LRScheduler;
  loader: DataLoader<Sample>;
}

/** An epoch's training results. */
export interface EpochResult {
  loss: number;
  accuracy: number;
  samples: number;
  steps: number;
  /** Learning rate of the first and last step. */
  lrStart: number;
  lrEnd: number;
  /** Wall time of the training steps, data loading included. */
  seconds: number;
}

/** Training steps between turns of the event loop (see the note in the loop). */
const YIELD_EVERY = 50;

/** Trains one epoch, reporting progress; the `mid-epoch` kill point follows the middle step. */
export async function trainEpoch(
  parts: TrainingParts,
  epoch: number,
  progress: Progress,
  kill: KillSwitch,
): Promise<EpochResult> {
  const { model, criterion, optimizer, scheduler, loader } = parts;
  model.train();
  const steps = loader.length;
  const middle = Math.ceil(steps / 2);
  let [lossSum, correct, seen, done, lrStart, lrEnd] = [0, 0, 0, 0, NaN, NaN];
  progress.start(epoch, steps);
  const t0 = performance.now();
  for (const [images, labels] of loader) {
    lrEnd = optimizer.paramGroups[0]!.lr;
    if (done === 0) lrStart = lrEnd;
    optimizer.zeroGrad();
    const logits = model.forward(images);
    const loss = criterion.forward(logits, labels);
    loss.backward();
    optimizer.step();
    scheduler.step();
    const n = labels.numel();
    lossSum += loss.item() * n;
    correct += logits.argmax(1).eq(labels).sum().item();
    seen += n;
    done++;
    const seconds = (performance.now() - t0) / 1000;
    progress.update({ done, loss: lossSum / seen, samplesPerSecond: seen / seconds });
    if (done === middle) kill.at("mid-epoch");
    // NOTE: let the event loop turn now and then. tsgrad counts live tensors for memoryStats()
    // with a FinalizationRegistry, whose bookkeeping is only released when the loop turns; a
    // loop that never yields grows the JS heap by ~20 KB a step and slows every GC.
    if (done % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - t0) / 1000;
  progress.stop();
  return {
    loss: lossSum / seen,
    accuracy: correct / seen,
    samples: seen,
    steps,
    lrStart,
    lrEnd,
    seconds,
  };
}

/** Test accuracy, confusion matrix (rows: actual class, columns: predicted) and wall time. */
export function evaluate(
  model: ConvNet1,
  loader: DataLoader<Sample>,
  classes: number,
): { accuracy: number; confusion: number[][]; seconds: number } {
  const t0 = performance.now();
  model.eval();
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let [correct, seen] = [0, 0];
  noGrad(() => {
    for (const [images, labels] of loader) {
      const pred = model.forward(images).argmax(1).dataSync();
      const truth = labels.dataSync();
      pred.forEach((p, i) => {
        confusion[truth[i]!]![p]!++;
        if (p === truth[i]) correct++;
      });
      seen += truth.length;
    }
  });
  return { accuracy: correct / seen, confusion, seconds: (performance.now() - t0) / 1000 };
}
