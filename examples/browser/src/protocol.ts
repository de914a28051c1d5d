/**
 * What the page and its training worker say to each other, and the typed hook the page exposes
 * as `window.tsgradDemo` (the browser test drives the demo through it). No DOM or worker types
 * here: the Node test imports this file too.
 */

/** A training plan: Adam with a cosine from `lr` to 0 over `epochs` passes, as `npm run train`. */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Seeds the initialisation and the shuffling. */
  seed: number;
  /** Test-set evaluations every this many steps (and at the end of each epoch). */
  evalEvery: number;
}

/** The recipe of the Node figure in the README: one pass, batch 32, lr 0.001, seed 0. */
export const DEFAULT_CONFIG: TrainConfig = {
  epochs: 1,
  batchSize: 32,
  lr: 0.001,
  seed: 0,
  evalEvery: 100,
};

/** Where the worker runs: what `getBackend()` reports there, and whether threads were possible. */
export interface BackendInfo {
  backend: string;
  simd: string;
  threads: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  trainImages: number;
  testImages: number;
}

/** Memory inside the training worker after a step. */
export interface MemorySample {
  step: number;
  /** `memoryStats().liveTensors` and `.bytes`: every tensor still reachable (datasets included). */
  liveTensors: number;
  tensorBytes: number;
  /** The wasm kernels' memory (`buffer.byteLength`; it only ever grows). */
  wasmBytes: number;
}

/** Sent by the worker every few training steps. */
export interface Progress {
  /** Steps taken since the last reset, and in the current plan. */
  step: number;
  planStep: number;
  planSteps: number;
  epoch: number;
  /** Mean loss and accuracy of the training batches since the last report. */
  loss: number;
  trainAccuracy: number;
  lr: number;
  /** Training samples per second over the plan so far (evaluations excluded). */
  samplesPerSecond: number;
  memory: MemorySample;
}

/** A pass over the test images. */
export interface Evaluation {
  step: number;
  testAccuracy: number;
  /** The predicted class of every test image, in order. */
  predictions: number[];
}

/** Why training stopped: the plan is done, `pause()` was called, or `run`'s step budget ran out. */
export type StopReason = "done" | "paused" | "budget";

/** What a call to `run` did. */
export interface RunResult {
  reason: StopReason;
  steps: number;
  samplesPerSecond: number;
  /** The last evaluation (one runs whenever a plan completes). */
  evaluation: Evaluation | null;
  /** One sample per progress report during this run. */
  memory: MemorySample[];
}

/** Planes of values, row-major: `count` maps of `rows` × `cols`. */
export interface Planes {
  count: number;
  rows: number;
  cols: number;
  values: Float32Array;
}

/** What the convnet does to one test image, layer by layer. */
export interface ActivationMaps {
  index: number;
  label: number;
  image: Planes;
  /** After conv1 → batch norm → ReLU: 16 maps of 28 × 28. */
  conv1: Planes;
  /** After conv2 → batch norm → ReLU: 32 maps of 14 × 14. */
  conv2: Planes;
  /** conv1's 16 filters, 5 × 5. */
  filters: Planes;
  probabilities: number[];
}

/** Requests the page sends, with what each answers. */
export interface Requests {
  /** `threads`: at most this many (default: every core); `dataUrl`: the packed data file. */
  init: { args: { threads: number | null; dataUrl: string }; result: BackendInfo };
  reset: { args: Partial<TrainConfig>; result: TrainConfig };
  run: { args: { maxSteps: number | null }; result: RunResult };
  pause: { args: null; result: null };
  evaluate: { args: null; result: Evaluation };
  predict: { args: { indices: number[] }; result: number[] };
  maps: { args: { index: number }; result: ActivationMaps };
  save: { args: null; result: Uint8Array };
  load: { args: { bytes: Uint8Array }; result: Evaluation };
  memory: { args: null; result: MemorySample };
}

/** A request on the wire. */
export interface RequestMessage<K extends keyof Requests = keyof Requests> {
  id: number;
  type: K;
  args: Requests[K]["args"];
}

/** What the worker posts: an answer to request `id`, or an event. */
export type WorkerMessage =
  | { kind: "result"; id: number; result: unknown }
  | { kind: "error"; id: number; message: string }
  | { kind: "progress"; progress: Progress }
  | { kind: "evaluation"; evaluation: Evaluation }
  | { kind: "state"; training: boolean };

/**
 * The page's test hook, `window.tsgradDemo`: the demo's controls as typed calls, resolved when
 * the worker has done them, so a test needs no text scraping.
 */
export interface DemoHook {
  /** Where training runs; resolves once the backend is up and the data loaded. */
  info(): Promise<BackendInfo>;
  /** A fresh model and optimizer for `config` (missing fields: the current plan's). */
  reset(config?: Partial<TrainConfig>): Promise<TrainConfig>;
  /** Trains until the plan is done (a done plan starts another) or `maxSteps` steps were taken. */
  run(maxSteps?: number): Promise<RunResult>;
  /** Accuracy on the test images now. */
  evaluate(): Promise<Evaluation>;
  /** The predicted classes of test images `indices`. */
  predict(indices: number[]): Promise<number[]>;
  /** Loads a `model.safetensors` (from `npm run train` or this page) and evaluates it. */
  loadModel(bytes: Uint8Array): Promise<Evaluation>;
  /** The model as safetensors bytes. */
  saveModel(): Promise<Uint8Array>;
  /**
   * Memory in the training worker now; where V8 exposes `gc()` (`--js-flags=--expose-gc`) after
   * collecting garbage, so that only reachable tensors count.
   */
  memory(): Promise<MemorySample>;
  /** Shows the activation maps of test image `index` on the page. */
  pick(index: number): Promise<ActivationMaps>;
}
