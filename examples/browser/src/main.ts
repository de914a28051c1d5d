/**
 * The demo page: controls, numbers, curves, the test-image grid and the activation maps of a
 * picked image. All the work happens in the training worker (train-worker.ts); this thread only
 * draws, so the page stays responsive while the model trains. `window.tsgradDemo` (DemoHook)
 * offers the same controls to the browser test.
 */
import "./style.css";
import { FASHION_MNIST_CLASSES as CLASS_NAMES } from "@tsgrad/datasets";
import { Curves } from "./chart.js";
import { WorkerClient } from "./client.js";
import { drawPlanes, planeCanvas } from "./draw.js";
import { PACKED_NAME } from "./packed-data.js";
import {
  type ActivationMaps,
  type BackendInfo,
  type DemoHook,
  type Evaluation,
  type Planes,
  type Progress,
  type TrainConfig,
} from "./protocol.js";

declare global {
  interface Window {
    /** The demo's test hook (see protocol.ts). */
    tsgradDemo: DemoHook;
  }
}

/** Test images shown in the grid. */
const GRID = 24;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

const curves = new Curves($("chart"));
let picked = 0;
let lastEvaluation: Evaluation | null = null;
/** The grid's images and their true classes. */
let gridImages: { planes: Planes; label: number }[] = [];

function showProgress(p: Progress): void {
  $("s-step").textContent = `${p.planStep} / ${p.planSteps}`;
  $("s-epoch").textContent = String(p.epoch);
  $("s-loss").textContent = p.loss.toFixed(4);
  $("s-train").textContent = pct(p.trainAccuracy);
  $("s-speed").textContent = p.samplesPerSecond.toFixed(0);
  $("s-lr").textContent = p.lr.toExponential(2);
  $("s-memory").textContent =
    `${p.memory.liveTensors} tensors, ${mb(p.memory.tensorBytes)}; wasm ${mb(p.memory.wasmBytes)}`;
  curves.addProgress(p);
}

function showEvaluation(e: Evaluation): void {
  lastEvaluation = e;
  $("s-test").textContent = pct(e.testAccuracy);
  curves.addEvaluation(e);
  drawGrid();
  void pick(picked);
}

function setTraining(training: boolean): void {
  ($("start") as HTMLButtonElement).disabled = training;
  ($("pause") as HTMLButtonElement).disabled = !training;
}

const client = new WorkerClient({
  progress: showProgress,
  evaluation: showEvaluation,
  state: setTraining,
});

/** The grid of test images, captioned with the last evaluation's predictions. */
function drawGrid(): void {
  const cells = gridImages.map((image, i) => {
    const figure = document.createElement("figure");
    figure.className = i === picked ? "selected" : "";
    const predicted = lastEvaluation?.predictions[i];
    const truth = image.label;
    const caption = document.createElement("figcaption");
    caption.className = predicted === undefined ? "" : predicted === truth ? "right" : "wrong";
    caption.textContent = `${predicted === undefined ? "?" : CLASS_NAMES[predicted]} / ${CLASS_NAMES[truth]}`;
    figure.append(planeCanvas(image.planes, 0, "gray"), caption);
    figure.onclick = () => void pick(i);
    return figure;
  });
  $("grid").replaceChildren(...cells);
}

/** Shows test image `index` going through the network. */
async function pick(index: number): Promise<ActivationMaps> {
  picked = index;
  const maps = await client.call("maps", { index });
  $("picked").textContent = `test image ${index}: ${CLASS_NAMES[maps.label]}`;
  const canvas = planeCanvas(maps.image, 0, "gray");
  canvas.id = "picked-image";
  $("picked-image").replaceWith(canvas);
  const items = maps.probabilities.map((p, c) => {
    const li = document.createElement("li");
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    li.append(CLASS_NAMES[c]!, bar, `${(100 * p).toFixed(1)}%`);
    return li;
  });
  $("probabilities").replaceChildren(...items);
  drawPlanes($("filters"), maps.filters, "diverging");
  drawPlanes($("conv1"), maps.conv1, "viridis");
  drawPlanes($("conv2"), maps.conv2, "viridis");
  for (const f of $("grid").children) f.classList.remove("selected");
  $("grid").children[index]?.classList.add("selected");
  return maps;
}

function showInfo(info: BackendInfo): void {
  $("backend").textContent =
    `backend ${info.backend} · SIMD ${info.simd} · ${info.threads} thread${info.threads === 1 ? "" : "s"}` +
    ` (${info.hardwareConcurrency} cores) · ${info.trainImages.toLocaleString("en")} training / ` +
    `${info.testImages.toLocaleString("en")} test images`;
  if (!info.crossOriginIsolated) {
    const note = $("isolation");
    note.hidden = false;
    note.textContent =
      "This page is not cross-origin isolated (its server does not send COOP/COEP headers), so " +
      "its workers cannot share memory: training runs on one thread.";
  }
}

function planFromInputs(): Partial<TrainConfig> {
  const int = (id: string): number => Number(($(id) as HTMLInputElement).value);
  return { epochs: int("epochs"), batchSize: int("batch") };
}

/** Runs `action`, showing its error on the page instead of throwing it. */
async function guarded(action: () => Promise<unknown>): Promise<void> {
  $("message").textContent = "";
  try {
    await action();
  } catch (e) {
    $("message").textContent = e instanceof Error ? e.message : String(e);
  }
}

async function reset(config: Partial<TrainConfig> = planFromInputs()): Promise<TrainConfig> {
  const plan = await client.call("reset", config);
  curves.clear();
  lastEvaluation = null;
  $("s-test").textContent = "–";
  showEvaluation(await client.call("evaluate", null));
  return plan;
}

async function loadModel(bytes: Uint8Array): Promise<Evaluation> {
  const copy = bytes.slice();
  const evaluation = await client.call("load", { bytes: copy }, [copy.buffer]);
  curves.clear();
  return evaluation;
}

async function saveModel(): Promise<Uint8Array> {
  return client.call("save", null);
}

const ready = (async (): Promise<BackendInfo> => {
  const threads = new URLSearchParams(location.search).get("threads");
  const dataUrl = new URL(`${import.meta.env.BASE_URL}${PACKED_NAME}`, location.href).href;
  const info = await client.call("init", {
    threads: threads === null ? null : Number(threads),
    dataUrl,
  });
  showInfo(info);
  const first = Array.from({ length: GRID }, (_, i) => i);
  const maps = await Promise.all(first.map((index) => client.call("maps", { index })));
  gridImages = maps.map((m) => ({ planes: m.image, label: m.label }));
  showEvaluation(await client.call("evaluate", null));
  for (const id of ["start", "reset", "download", "load"])
    ($(id) as HTMLButtonElement).disabled = false;
  return info;
})();
ready.catch((e: unknown) => {
  $("backend").textContent =
    `the training worker failed: ${e instanceof Error ? e.message : String(e)}`;
});

$("start").onclick = () => void guarded(() => client.call("run", { maxSteps: null }));
$("pause").onclick = () => void guarded(() => client.call("pause", null));
$("reset").onclick = () => void guarded(() => reset());
$("download").onclick = () =>
  void guarded(async () => {
    const bytes = await saveModel();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([bytes.slice()], { type: "application/octet-stream" }));
    a.download = "model.safetensors";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
($("load") as HTMLInputElement).onchange = (e) =>
  void guarded(async () => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) await loadModel(new Uint8Array(await file.arrayBuffer()));
  });

window.tsgradDemo = {
  info: () => ready,
  reset: async (config) => {
    await ready;
    return reset(config);
  },
  run: async (maxSteps) => {
    await ready;
    return client.call("run", { maxSteps: maxSteps ?? null });
  },
  evaluate: () => client.call("evaluate", null),
  predict: (indices) => client.call("predict", { indices }),
  loadModel,
  saveModel,
  memory: () => client.call("memory", null),
  pick,
};
