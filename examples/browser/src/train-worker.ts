/**
 * The training worker (a module Web Worker): sets up the wasm backend — with a Web Worker pool
 * when the page is cross-origin isolated, on one thread otherwise — loads the packed data, and
 * answers the page's requests (protocol.ts). Training yields to the worker's event loop after
 * every step, so a pause, an evaluation or a picked image is answered between two steps.
 */
import { getBackend, setBackend } from "@tsgrad/core";
import { registerWebWorkerPool } from "@tsgrad/core/web";
import { decodePacked } from "./packed-data.js";
import {
  DEFAULT_CONFIG,
  type BackendInfo,
  type Evaluation,
  type MemorySample,
  type RequestMessage,
  type Requests,
  type RunResult,
  type StopReason,
  type WorkerMessage,
} from "./protocol.js";
import { Session } from "./session.js";

/** The worker's global scope, as far as this file uses it (the project compiles with the DOM lib). */
const scope = globalThis as unknown as {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<RequestMessage>) => void) | null;
  crossOriginIsolated: boolean;
  navigator: { hardwareConcurrency: number };
};

/** Steps between progress reports (each carries a memory sample). */
const REPORT_EVERY = 5;

/** Resolves on the next turn of the event loop, without setTimeout's 4 ms clamp. */
const channel = new MessageChannel();
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

let session: Session | null = null;
let stopAsked = false;
let running: Promise<RunResult> | null = null;

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function needSession(): Session {
  if (session === null) throw new Error("the worker is not initialised yet");
  return session;
}

async function init(threads: number | null, dataUrl: string): Promise<BackendInfo> {
  const available = registerWebWorkerPool();
  await setBackend("wasm", { threads: Math.min(threads ?? available, available) });
  const response = await fetch(dataUrl);
  if (!response.ok) throw new Error(`${dataUrl}: HTTP ${response.status}`);
  const data = decodePacked(new Uint8Array(await response.arrayBuffer()));
  session = new Session(data.train, data.test, DEFAULT_CONFIG);
  const b = getBackend();
  return {
    backend: b.name,
    simd: b.simd,
    threads: b.threads,
    crossOriginIsolated: scope.crossOriginIsolated,
    hardwareConcurrency: scope.navigator.hardwareConcurrency,
    trainImages: data.train.labels.length,
    testImages: data.test.labels.length,
  };
}

function evaluate(s: Session): Evaluation {
  const evaluation = s.evaluate();
  post({ kind: "evaluation", evaluation });
  return evaluation;
}

/** Trains until the plan is done, a pause, or `maxSteps` steps. */
async function run(maxSteps: number | null): Promise<RunResult> {
  const s = needSession();
  if (s.planDone) s.startPlan();
  stopAsked = false;
  post({ kind: "state", training: true });
  const memory: MemorySample[] = [];
  let evaluation: Evaluation | null = null;
  let steps = 0;
  let reason: StopReason = "done";
  try {
    while (!s.planDone) {
      if (stopAsked) {
        reason = "paused";
        break;
      }
      if (maxSteps !== null && steps >= maxSteps) {
        reason = "budget";
        break;
      }
      s.trainStep();
      steps++;
      if (s.planStep % REPORT_EVERY === 0 || s.planDone) {
        const progress = s.progress();
        memory.push(progress.memory);
        post({ kind: "progress", progress });
      }
      if (s.planStep % s.config.evalEvery === 0 || s.epochEnded) evaluation = evaluate(s);
      await nextTurn();
    }
  } finally {
    post({ kind: "state", training: false });
  }
  return { reason, steps, samplesPerSecond: s.samplesPerSecond, evaluation, memory };
}

type Handler<K extends keyof Requests> = (
  args: Requests[K]["args"],
) => Requests[K]["result"] | Promise<Requests[K]["result"]>;

const handlers: { [K in keyof Requests]: Handler<K> } = {
  init: ({ threads, dataUrl }) => init(threads, dataUrl),
  reset: async (config) => {
    const s = needSession();
    stopAsked = true;
    await running;
    s.reset({ ...s.config, ...config });
    return s.config;
  },
  run: ({ maxSteps }) => {
    if (running !== null) throw new Error("run: training is already running");
    running = run(maxSteps).finally(() => (running = null));
    return running;
  },
  pause: async () => {
    stopAsked = true;
    await running;
    return null;
  },
  evaluate: () => evaluate(needSession()),
  predict: ({ indices }) => needSession().predict(indices),
  maps: ({ index }) => needSession().maps(index),
  save: () => needSession().save(),
  load: async ({ bytes }) => {
    const s = needSession();
    stopAsked = true;
    await running;
    s.load(bytes, "model.safetensors");
    return evaluate(s);
  },
  memory: async () => {
    // with V8's --expose-gc (the browser test starts Chromium so) collect first, and let the
    // finalizers behind memoryStats() run, so the figures count only what is still reachable
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; gc !== undefined && i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return needSession().memory();
  },
};

scope.onmessage = (e) => {
  const { id, type, args } = e.data;
  const handler = handlers[type] as Handler<typeof type>;
  Promise.resolve()
    .then(() => handler(args))
    .then(
      (result) => post({ kind: "result", id, result }),
      (err: unknown) =>
        post({ kind: "error", id, message: err instanceof Error ? err.message : String(err) }),
    );
};
