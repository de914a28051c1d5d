/**
 * The browser demo in a real Chromium (Debian's, driven by playwright-core; no browser download),
 * against `vite preview` of the built site (`npm run test:browser` builds it first): cross-origin
 * isolated, the wasm backend on 2 threads, one pass over the 10,000 training images reaching
 * 80% on the 2,000 test images, bounded memory in the training worker, a model trained by the
 * Node example predicting the same classes in the page as in Node, one thread (said on the page)
 * where the server sends no COOP/COEP headers, no console or page error. It saves a screenshot
 * (runs/browser-demo.png; the README's with TSGRAD_UPDATE_SCREENSHOT=1).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { noGrad } from "@tsgrad/core";
import { FashionMNIST } from "@tsgrad/datasets/node";
import { loadSafetensors } from "@tsgrad/nn/node";
import { chromium, type Browser, type Page } from "playwright-core";
import { preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConvNet1 } from "../../lib/convnet.js";
import { root, runExample } from "../../test/run-example.js";
import {
  type BackendInfo,
  type DemoHook,
  type MemorySample,
  type RunResult,
} from "../src/protocol.js";

const CHROMIUM = process.env["TSGRAD_CHROMIUM"] ?? "/usr/bin/chromium";
const site = join(root, "examples", "browser");
/**
 * Where the screenshot goes: `runs/` (git-ignored), or the README's picture with
 * `TSGRAD_UPDATE_SCREENSHOT=1` (a test run leaves the tracked tree as it was).
 */
const SCREENSHOT =
  process.env["TSGRAD_UPDATE_SCREENSHOT"] === "1"
    ? join(root, "docs", "images", "browser-demo.png")
    : join(root, "runs", "browser-demo.png");
/** Test images whose classes the page and Node must agree on. */
const COMPARED = Array.from({ length: 200 }, (_, i) => i * 10);

/**
 * The memory bound after the first pass, over 2 × 150 further steps: the wasm memory does not
 * grow at all (its arena has reached a step's high-water mark); while training, the live tensors
 * — the model, Adam's state, and the garbage not yet collected — stay under 3,000 and 400 MB;
 * and once garbage is collected, exactly the same tensors and bytes are live after 300 steps as
 * after 150 (both in the middle of an epoch, so the loader holds the same state).
 */
const LIVE_TENSORS_MAX = 3000;
const TENSOR_BYTES_MAX = 400e6;

let server: PreviewServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];
let scratch: string;

/** The page's globals the test uses (this file compiles without the DOM's types). */
interface PageGlobals {
  tsgradDemo: DemoHook;
  crossOriginIsolated: boolean;
  requestAnimationFrame(callback: () => void): number;
}

/** Calls the test hook of `on` (default: the isolated page), `window.tsgradDemo`, with `arg`. */
function demo<T, A = null>(
  fn: (hook: DemoHook, arg: A) => Promise<T>,
  arg?: A,
  on: Page = page,
): Promise<T> {
  return on.evaluate(
    ({ source, a }) => {
      const call = new Function(`return ${source}`)() as (h: DemoHook, x: unknown) => Promise<T>;
      return call((globalThis as unknown as PageGlobals).tsgradDemo, a);
    },
    { source: fn.toString(), a: (arg ?? null) as A },
  );
}

beforeAll(async () => {
  if (!existsSync(join(site, "dist", "index.html"))) {
    throw new Error(
      "examples/browser/dist is missing: run `npm run test:browser` (it builds the site)",
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (or set TSGRAD_CHROMIUM)`,
    );
  }
  server = await preview({
    configFile: join(site, "vite.config.ts"),
    preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false },
    logLevel: "warn",
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error("vite preview did not report its address");
  // --expose-gc: the worker's memory() collects garbage before counting
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--js-flags=--expose-gc"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1250 } });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${url}?threads=2`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the browser demo in Chromium", () => {
  let info: BackendInfo;

  test("the page is cross-origin isolated and trains on the wasm backend with 2 threads", async () => {
    info = await demo((hook) => hook.info());
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).crossOriginIsolated),
    ).toBe(true);
    expect(info).toMatchObject({ backend: "wasm", threads: 2, crossOriginIsolated: true });
    expect(["plain", "relaxed"]).toContain(info.simd);
    expect([info.trainImages, info.testImages]).toEqual([10_000, 2_000]);
  });

  test("a plan that cannot run is refused with a message naming the setting", async () => {
    const refused = (config: object) =>
      demo(
        (hook, c) =>
          hook.reset(c).then(
            () => "accepted",
            (e: Error) => e.message,
          ),
        config,
      );
    expect(await refused({ batchSize: 0 })).toBe("batchSize must be a positive integer, got 0");
    expect(await refused({ epochs: 1.5 })).toBe("epochs must be a positive integer, got 1.5");
    expect(await refused({ lr: -1 })).toBe("lr must be a positive number, got -1");
  });

  test("one pass over the 10,000 images (batch 32) scores ≥ 80% on the 2,000 test images", async () => {
    await demo((hook) => hook.reset({ epochs: 1, batchSize: 32, lr: 0.001, seed: 0 }));
    const run: RunResult = await demo((hook) => hook.run());
    expect(run.reason).toBe("done");
    expect(run.steps).toBe(313);
    const accuracy = run.evaluation!.testAccuracy;
    console.log(
      `browser demo: ${info.simd} SIMD, ${info.threads} threads: one pass in ` +
        `${(10_000 / run.samplesPerSecond).toFixed(1)} s of training steps ` +
        `(${run.samplesPerSecond.toFixed(0)} samples/s), test accuracy ${(100 * accuracy).toFixed(2)}%`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });

  test("memory in the training worker stays bounded over 300 further steps", async () => {
    const before = await demo((hook) => hook.memory());
    const runs: RunResult[] = [];
    const settled: MemorySample[] = [];
    for (let i = 0; i < 2; i++) {
      runs.push(await demo((hook, steps) => hook.run(steps), 150));
      settled.push(await demo((hook) => hook.memory()));
    }
    expect(runs.map((r) => [r.reason, r.memory.length])).toEqual([
      ["budget", 30],
      ["budget", 30],
    ]);
    const samples = runs.flatMap((r) => r.memory);
    const most = (key: "liveTensors" | "tensorBytes" | "wasmBytes") =>
      Math.max(...samples.map((m) => m[key]));
    console.log(
      `browser demo memory over 300 steps: wasm ${before.wasmBytes} → at most ${most("wasmBytes")} ` +
        `bytes; at most ${most("liveTensors")} live tensors, ${(most("tensorBytes") / 1e6).toFixed(1)} MB; ` +
        `after garbage collection ${JSON.stringify(settled)}`,
    );
    expect(most("wasmBytes")).toBe(before.wasmBytes);
    expect(most("liveTensors")).toBeLessThanOrEqual(LIVE_TENSORS_MAX);
    expect(most("tensorBytes")).toBeLessThanOrEqual(TENSOR_BYTES_MAX);
    const [a, b] = settled as [MemorySample, MemorySample];
    expect([b.liveTensors, b.tensorBytes, b.wasmBytes]).toEqual([
      a.liveTensors,
      a.tensorBytes,
      a.wasmBytes,
    ]);
  });

  test("saves a screenshot of the trained page", async () => {
    await demo((hook) => hook.pick(0));
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          (globalThis as unknown as PageGlobals).requestAnimationFrame(resolve),
        ),
    );
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG");
  });

  test("a model.safetensors from the Node example predicts the same classes in the page", async () => {
    scratch = mkdtempSync(join(tmpdir(), "tsgrad-browser-"));
    const args = ["--epochs", "1", "--limit", "2000", "--test-limit", "100", "--batch-size", "32"];
    const node = runExample("fashion-mnist-convnet", [...args, "--out", scratch]);
    expect(node.status, node.stderr).toBe(0);
    const file = join(scratch, "model.safetensors");
    const model = new ConvNet1();
    model.loadStateDict(loadSafetensors(file).tensors);
    model.eval();
    const test = new FashionMNIST({ train: false });
    const [images] = test.getBatch(Int32Array.from(COMPARED));
    const inNode = [...noGrad(() => model.forward(images).argmax(1)).dataSync()];

    const bytes = [...readFileSync(file)];
    const inPage = await demo(
      async (hook, { b, indices }) => {
        await hook.loadModel(new Uint8Array(b));
        return hook.predict(indices);
      },
      { b: bytes, indices: COMPARED },
    );
    expect(inPage).toEqual(inNode);
    // not a constant answer: the comparison covers several classes
    expect(new Set(inNode).size).toBeGreaterThan(5);
  });

  test("served without COOP/COEP (a plain static host), the page trains on one thread and says so", async () => {
    // the same built site, from a preview server without the config (so without the headers)
    const plain = await preview({
      configFile: false,
      root: site,
      preview: { host: "127.0.0.1", port: 0, open: false },
      logLevel: "warn",
    });
    const other = await browser.newPage();
    other.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error (not isolated): ${m.text()}`);
    });
    other.on("pageerror", (e) => problems.push(`page error (not isolated): ${e.message}`));
    try {
      await other.goto(plain.resolvedUrls!.local[0]!);
      const info = await demo((hook) => hook.info(), null, other);
      expect(info).toMatchObject({ backend: "wasm", threads: 1, crossOriginIsolated: false });
      const run = await demo((hook, steps) => hook.run(steps), 10, other);
      expect([run.reason, run.steps]).toEqual(["budget", 10]);
      const note = other.locator("#isolation");
      expect(await note.isVisible()).toBe(true);
      expect(await note.textContent()).toContain("training runs on one thread");
    } finally {
      await other.close();
      await plain.close();
    }
  });

  test("no console error and no page error", () => {
    expect(problems).toEqual([]);
  });
});
