/**
 * The article's convnet on Fashion-MNIST, trained with cross-entropy and Adam — the reference
 * workload of tsgrad. Default recipe: batch 100, 5 epochs, lr 0.001 annealed with a cosine over
 * the run. Writes a resumable checkpoint, metrics, the model and plots to the run folder.
 *
 *   npm run train                                     # the defaults
 *   npm run train -- --epochs 1 --limit 6000 --batch-size 32 --out runs/quick
 *   npx tsx examples/fashion-mnist-convnet.ts --resume --epochs 8
 */
import { Generator, TsgradError, defaultGenerator, manualSeed } from "@tsgrad/core";
import { DataLoader } from "@tsgrad/datasets";
import { FashionMNIST } from "@tsgrad/datasets/node";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { Adam, type LRScheduler } from "@tsgrad/optim";
import { useBackend } from "./lib/backends.js";
import { RunError, runCommand } from "./lib/cli.js";
import { ConvNet1 } from "./lib/convnet.js";
import { loadFashionMNIST } from "./lib/fashion-data.js";
import { KillSwitch, RUN_FILES } from "./lib/kill-points.js";
import { progressFor } from "./lib/progress.js";
import { memoryNow } from "./lib/memory.js";
import { RunFolder, type TrainCheckpoint } from "./lib/run-folder.js";
import type { RunRecord } from "./lib/run-record.js";
import { createScheduler, resumeScheduler } from "./lib/schedule.js";
import {
  TRAIN_COMMAND,
  checkTrainFlags,
  newRunConfig,
  resumePlan,
  type ResumePlan,
} from "./lib/train-options.js";
import { evaluate, trainEpoch, type TrainingParts } from "./lib/training.js";

const epochs = (n: number): string => (n === 1 ? "1 epoch" : `${n} epochs`);

await runCommand(TRAIN_COMMAND, async (flags) => {
  const { values: args } = flags;
  // ---- everything is checked before anything is written ---------------------------------------
  checkTrainFlags(flags);
  const kill = KillSwitch.fromEnv(process.env);
  const classes = FashionMNIST.classes;
  const folder = new RunFolder(args.out, kill, classes);
  let ckpt: TrainCheckpoint | null = null;
  let plan: ResumePlan;
  if (args.resume) {
    ckpt = folder.readCheckpoint();
    plan = resumePlan(ckpt.run.config, ckpt.epoch, flags, folder.path("checkpoint"));
  } else {
    plan = { config: newRunConfig(flags), extension: null, note: null };
    const present = folder.files();
    if (present.length > 0 && !args.overwrite) {
      const names = present.map((f) => RUN_FILES[f]).join(", ");
      throw new RunError(
        `${args.out} already holds a run (${names}); continue it with --resume, replace it with --overwrite, or choose another --out`,
      );
    }
  }
  const { config } = plan;
  const data = loadFashionMNIST(args.data, config.limit, config.testLimit);
  const ran = await useBackend(args.backend, args.threads);

  // ---- model, loss, optimizer, schedule; a resumed run's state -----------------------------------
  const loaderGenerator = new Generator(config.seed);
  const loader = new DataLoader(data.train, {
    batchSize: config.batchSize,
    shuffle: true,
    generator: loaderGenerator,
  });
  // evaluation batches as large as training's: a batch of 1000 made 50 MB activations and grew the
  // wasm arena (which never shrinks) to fit them, for no gain in speed
  const testLoader = new DataLoader(data.test, { batchSize: 100 });
  manualSeed(config.seed);
  const model = new ConvNet1();
  const optimizer = new Adam(model.parameters(), { lr: config.lr });
  let run: RunRecord = { config, epochs: [], extensions: [], confusion: [] };
  let step = 0;
  let scheduler: LRScheduler;
  if (ckpt) {
    try {
      model.loadStateDict(ckpt.model);
      optimizer.loadStateDict(ckpt.optimizer);
      scheduler = resumeScheduler(optimizer, config, loader.length, ckpt.scheduler, ckpt.step);
    } catch (e) {
      if (!(e instanceof TsgradError)) throw e;
      throw new RunError(
        `${folder.path("checkpoint")} does not fit ConvNet1 and Adam: ${e.message}`,
      );
    }
    defaultGenerator.setState(ckpt.rng.default);
    loaderGenerator.setState(ckpt.rng.loader);
    step = ckpt.step;
    const extensions = [...ckpt.run.extensions, ...(plan.extension ? [plan.extension] : [])];
    run = { ...ckpt.run, config, extensions };
  } else {
    scheduler = createScheduler(optimizer, config, loader.length);
  }

  // ---- the run folder: clear a crash's leftovers, bring a resumed run to its checkpoint --------
  if (args.overwrite) folder.clear();
  const stale = folder.removeTempFiles();
  if (stale.length > 0) console.log(`removed ${stale.length} temporary file(s) of a killed run`);
  if (ckpt) {
    await folder.writeDerived(ckpt);
    console.log(`resuming from epoch ${ckpt.epoch} (step ${step}) in ${args.out}`);
    if (plan.note) console.log(plan.note);
  }
  kill.at("restored");

  const parts: TrainingParts = {
    model,
    criterion: new CrossEntropyLoss(),
    optimizer,
    scheduler,
    loader,
  };
  const startEpoch = run.epochs.length + 1;
  if (startEpoch > config.epochs) {
    console.log(
      `the run in ${args.out} is complete (${config.epochs} epochs); --epochs N > ${config.epochs} extends it`,
    );
    return;
  }
  const nParams = model.parameters().reduce((n, p) => n + p.numel(), 0);
  const schedule =
    config.scheduleEpochs === null ? "constant" : `cosine over ${epochs(config.scheduleEpochs)}`;
  console.log(
    `Fashion-MNIST: ${data.train.length} train / ${data.test.length} test images; ConvNet1 with ` +
      `${nParams} parameters; Adam lr ${config.lr}, ${schedule}, batch ${config.batchSize}, ` +
      `${epochs(config.epochs)}, backend ${ran}`,
  );

  // ---- train ---------------------------------------------------------------------------------
  const progress = progressFor(process.stdout, config.epochs);
  for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
    const t = await trainEpoch(parts, epoch, progress, kill);
    step += t.steps;
    const e = evaluate(model, testLoader, classes.length);
    const record = {
      epoch,
      trainLoss: t.loss,
      trainAccuracy: t.accuracy,
      testAccuracy: e.accuracy,
      lrStart: t.lrStart,
      lrEnd: t.lrEnd,
      trainSeconds: t.seconds,
      evalSeconds: e.seconds,
      samplesPerSecond: t.samples / t.seconds,
      backend: ran,
      memory: memoryNow(),
    };
    run = { ...run, epochs: [...run.epochs, record], confusion: e.confusion };
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    console.log(
      `epoch ${epoch}/${config.epochs}: train loss ${t.loss.toFixed(4)}, train acc ${pct(t.accuracy)}, ` +
        `test acc ${pct(e.accuracy)}; train ${t.seconds.toFixed(1)} s ` +
        `(${record.samplesPerSecond.toFixed(0)} samples/s), eval ${e.seconds.toFixed(1)} s`,
    );
    await folder.commit({
      epoch,
      step,
      run,
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      scheduler: parts.scheduler.stateDict(),
      rng: { default: defaultGenerator.getState(), loader: loaderGenerator.getState() },
    });
  }
  const last = run.epochs.at(-1)!;
  console.log(
    `final test accuracy ${(100 * last.testAccuracy).toFixed(2)}% — outputs in ${args.out}`,
  );
});
