/**
 * With a pool, the wasm backend routes each call by size: small ones to an unshared memory on the
 * calling thread, large ones to the pool's shared memory, where they may split. The route must
 * never change a result.
 */
import { describe, expect, test } from "vitest";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import type { ThreadPool } from "../src/backend/wasm/runtime.js";
import { expectSameBits, oneThread, values, view } from "./wasm-kernel-kit.js";

const compiled = compileKernelsSync();
const memory = createMemory();
const inner = createNodePool(compiled, memory, 2);
const jobs: string[] = [];
const counting: ThreadPool = {
  size: inner.size,
  run(fn, args, total, grain) {
    jobs.push(fn);
    inner.run(fn, args, total, grain);
  },
};
const MIN_WORK = 1 << 16;
const routed = createWasmBackend(compiled, counting, memory, {
  splitMinWork: MIN_WORK,
  local: compileKernelsSync(compiled.variant, false),
});

/** Runs `fn` and returns its result with the pool jobs it caused. */
function withJobs<T>(fn: () => T): { out: T; jobs: string[] } {
  const before = jobs.length;
  const out = fn();
  return { out, jobs: jobs.slice(before) };
}

describe("wasm backend with a pool: calls routed by size", () => {
  test("small calls run on the calling thread, large ones split; the same bits either way", () => {
    for (const n of [4096, 1 << 20]) {
      const x = view(values(n, n), [n]);
      const { out, jobs: ran } = withJobs(() => routed.unary("relu", x) as Float32Array);
      expect(ran).toEqual(n < MIN_WORK ? [] : ["unaryF32"]);
      expectSameBits(oneThread.unary("relu", x) as Float32Array, out, `relu of ${n}`);
    }
  });

  test("matmul routes by multiply-adds", () => {
    for (const size of [16, 256]) {
      const a = view(values(size * size, 3), [1, size, size]);
      const b = view(values(size * size, 4), [1, size, size]);
      const { out, jobs: ran } = withJobs(() => routed.matmul(a, b) as Float32Array);
      expect(ran).toEqual(size === 16 ? [] : ["matmulF32"]);
      expectSameBits(oneThread.matmul(a, b) as Float32Array, out, `matmul ${size}³`);
    }
  });

  test("the arena size counts both memories", () => {
    const x = view(values(4096, 1), [4096]);
    routed.unary("relu", x);
    expect(routed.arenaBytes()).toBeGreaterThan(routed.runtime.arena.byteLength);
  });

  test("local kernels must be the same SIMD build", () => {
    // (labelled as the other build: Node 20 may lack the relaxed one)
    const local = compileKernelsSync(compiled.variant, false);
    const other = {
      ...local,
      variant: compiled.variant === "plain" ? "relaxed" : "plain",
    } as const;
    expect(() => createWasmBackend(compiled, counting, createMemory(), { local: other })).toThrow(
      /local kernels are/,
    );
  });
});
