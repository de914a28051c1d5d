/**
 * Choosing a backend: by name or object, the Node default and its environment overrides (in a
 * child process, since they act at import), errors for what cannot load, and the kernel profile.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  BackendError,
  composeBackend,
  getBackend,
  jsBackend,
  memoryStats,
  setBackend,
  tensor,
  type Backend,
} from "../src/index.js";
import { registerThreadPool } from "../src/backend/registry.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import type { ThreadPool } from "../src/backend/wasm/runtime.js";
import { createWebWorkerPool } from "../src/backend/wasm/pool-web.js";
import { registerWebWorkerPool } from "../src/web.js";

const root = join(import.meta.dirname, "..", "..", "..");
/** The workspace packages from their TypeScript sources (their "@tsgrad/source" export condition). */
const SOURCE = ["--conditions=@tsgrad/source"];

/** Runs a script that imports @tsgrad/core (Node entry) with extra environment variables. */
function child(
  code: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): { status: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, ...SOURCE, "--import", "tsx", "--input-type=module", "-e", code],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: "utf8",
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}
const REPORT = `import { getBackend } from "@tsgrad/core"; const b = getBackend(); console.log(b.name, b.simd, b.threads);`;

const before = getBackend();
afterEach(() => void setBackend(before));

describe("setBackend / getBackend", () => {
  test("by name: js and wasm, with the SIMD build and thread count reported", async () => {
    await setBackend("js");
    expect([getBackend().name, getBackend().simd, getBackend().threads]).toEqual(["js", "none", 1]);
    const b = await setBackend("wasm", { threads: 1 });
    expect(getBackend()).toBe(b);
    expect(b.name).toBe("wasm");
    expect(["plain", "relaxed"]).toContain(b.simd);
    expect(b.threads).toBe(1);
    expect(tensor([-1, 2, -3]).relu().toArray()).toEqual([0, 2, 0]);
  });

  test("a Backend object is used as given", async () => {
    const mine: Backend = { ...jsBackend, name: "mine" };
    await setBackend(mine);
    expect(getBackend().name).toBe("mine");
  });

  test("unknown names and bad thread counts are BackendErrors", () => {
    expect(() => setBackend("webgpu" as "js")).toThrow(BackendError);
    expect(() => setBackend("webgpu" as "js")).toThrow(
      /unknown backend 'webgpu' \(available: js, wasm\)/,
    );
    expect(() => setBackend("wasm", { threads: 0 })).toThrow(
      /threads must be a positive integer, got 0/,
    );
    expect(() => setBackend("wasm", { threads: 1.5 })).toThrow(BackendError);
  });

  test("a pool that starts asynchronously: the switch happens when it is up", async () => {
    await setBackend("js");
    let started!: (pool: ThreadPool) => void;
    let made: ThreadPool | null = null;
    // the browser's kind of factory, over Node's pool: resolves only when the test says so
    registerThreadPool((compiled, memory, threads) => {
      made = createNodePool(compiled, memory, threads);
      return new Promise<ThreadPool>((resolve) => (started = resolve));
    }, 2);
    try {
      const switching = setBackend("wasm");
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(getBackend().name).toBe("js");
      started(made!);
      const b = await switching;
      expect([getBackend(), b.name, b.threads]).toEqual([b, "wasm", 2]);
      expect(tensor([-1, 2, -3]).relu().toArray()).toEqual([0, 2, 0]);
    } finally {
      registerThreadPool(createNodePool, availableParallelism());
    }
  });

  test("the Web Worker pool is not for Node: registering it is a no-op, creating it an error", async () => {
    expect(registerWebWorkerPool(4)).toBe(1);
    await expect(setBackend("wasm", { threads: 2 })).resolves.toMatchObject({ threads: 2 });
    await expect(createWebWorkerPool(null!, null!, 2)).rejects.toThrow(
      /a page's main thread may not do: call setBackend from a Web Worker/,
    );
  });

  test("memoryStats reports the wasm arena and 0 on js", async () => {
    await setBackend("wasm", { threads: 1 });
    tensor(new Array(1000).fill(1)).relu();
    expect(memoryStats().arenaBytes).toBeGreaterThan(0);
    await setBackend("js");
    expect(memoryStats().arenaBytes).toBe(0);
  });

  test("composeBackend fills what a partial backend lacks and counts fast and fallback calls", () => {
    const calls: string[] = [];
    const b = composeBackend(
      {
        name: "half",
        simd: "none",
        threads: 1,
        arenaBytes: () => 0,
        dtypes: ["float32"],
        kernels: {
          unary: (op, x) => {
            if (op !== "neg") return null; // declines everything but neg
            calls.push(op);
            return jsBackend.unary(op, x);
          },
        },
      },
      jsBackend,
    );
    const f32 = tensor([1, -2]);
    const f64 = tensor([1, -2], { dtype: "float64" });
    b.unary("neg", f32); // fast
    b.unary("abs", f32); // declined
    b.unary("neg", f64); // dtype not listed
    b.binary("add", f32, f32); // not implemented
    expect(calls).toEqual(["neg"]);
    expect(b.counts.get("unary")).toEqual({ fast: 1, fallback: 2 });
    expect(b.counts.get("binary")).toEqual({ fast: 0, fallback: 1 });
    expect(b.claimed).toEqual(["unary"]);
  });
});

describe("the Node default (at import)", () => {
  test("is wasm over every core", () => {
    const r = child(REPORT, { TSGRAD_BACKEND: "", TSGRAD_THREADS: "", TSGRAD_SIMD: "" });
    expect(r.err).toBe("");
    expect(r.out.trim()).toMatch(/^wasm (plain|relaxed) 2$/);
  });

  test("TSGRAD_BACKEND and TSGRAD_THREADS override it", () => {
    expect(child(REPORT, { TSGRAD_BACKEND: "js" }).out.trim()).toBe("js none 1");
    expect(child(REPORT, { TSGRAD_BACKEND: "wasm", TSGRAD_THREADS: "1" }).out.trim()).toMatch(
      /^wasm \w+ 1$/,
    );
  });

  test("TSGRAD_SIMD pins the wasm build; relaxed where the engine lacks it is an error", () => {
    const relaxedFlag = ["--experimental-wasm-relaxed-simd"];
    expect(child(REPORT, { TSGRAD_SIMD: "plain" }, relaxedFlag).out.trim()).toBe("wasm plain 2");
    expect(child(REPORT, { TSGRAD_SIMD: "relaxed" }, relaxedFlag).out.trim()).toBe(
      "wasm relaxed 2",
    );
    const unflagged = child(REPORT, { TSGRAD_SIMD: "" }).out.trim();
    if (unflagged === "wasm plain 2") {
      // Node 20: relaxed SIMD only behind the flag
      const r = child(REPORT, { TSGRAD_SIMD: "relaxed" });
      expect(r.status).not.toBe(0);
      expect(r.err).toMatch(/relaxed SIMD is not supported by this JavaScript engine/);
    } else {
      expect(unflagged).toBe("wasm relaxed 2");
    }
  });

  test("falls back to js with a one-line warning where wasm cannot load, unless asked for", () => {
    const noWasm = ["--noexpose-wasm"]; // V8 flag: no WebAssembly global
    const r = child(REPORT, {}, noWasm);
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe("js none 1");
    expect(r.err.trim().split("\n")).toEqual([
      "tsgrad: the wasm backend cannot load here: WebAssembly is not defined; using the js backend",
    ]);
    const asked = child(REPORT, { TSGRAD_BACKEND: "wasm" }, noWasm);
    expect(asked.status).not.toBe(0);
    expect(asked.err).toMatch(/BackendError: setBackend: the wasm backend cannot load here/);
  });

  test("bad values are errors naming the variable", () => {
    const r = child(REPORT, { TSGRAD_BACKEND: "gpu" });
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/TSGRAD_BACKEND must be js or wasm, got 'gpu'/);
    expect(child(REPORT, { TSGRAD_THREADS: "two" }).err).toMatch(
      /TSGRAD_THREADS must be a positive integer/,
    );
    expect(child(REPORT, { TSGRAD_SIMD: "avx" }).err).toMatch(
      /TSGRAD_SIMD must be plain or relaxed, got 'avx'/,
    );
  });

  test("TSGRAD_PROFILE=1 prints a per-kernel table at exit", () => {
    const code = `import { tensor } from "@tsgrad/core"; tensor([1, -1]).relu(); tensor([[1, 2]]).matmul(tensor([[3], [4]]));`;
    const r = child(code, { TSGRAD_PROFILE: "1" });
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/tsgrad kernel profile/);
    expect(r.err).toMatch(/wasm unary\.relu\s+1\s/);
    expect(r.err).toMatch(/wasm matmul\s+1\s/);
  });

  test("the profile gives the conv gradients' GFLOP/s", () => {
    const code = `import { conv2d, randn } from "@tsgrad/core"; const w = randn([4, 3, 3, 3]).requiresGrad_(); conv2d(randn([2, 3, 8, 8]).requiresGrad_(), w).sum().backward();`;
    const r = child(code, { TSGRAD_PROFILE: "1" });
    expect(r.status, r.err).toBe(0);
    expect(r.err).toMatch(/wasm conv2dBackward\s+1\s+[\d.]+\s+[\d.]+%\s+\d+\.\d/);
  });
});
