// Micro benchmark of the wasm GEMM and conv kernels: GFLOP/s of matmul at 256³, 1024³ and the
// reference convnet's conv2 im2col shape, then each conv layer of that convnet at batch 100
// (forward, input gradient, weight gradient), at 1 and 2 threads and on the JS reference.
// Run: npx tsx packages/core/scripts/bench-gemm.ts [--no-js]
// The relaxed-SIMD (FMA) build on Node 20, which needs a V8 flag that NODE_OPTIONS refuses:
//   node --experimental-wasm-relaxed-simd --import tsx packages/core/scripts/bench-gemm.ts --relaxed
import type { Backend, Conv2dParams, View } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { contiguousStrides } from "../src/shape.js";

const args = process.argv.slice(2);
const compiled = compileKernelsSync(args.includes("--relaxed") ? "relaxed" : "plain");
const memory = createMemory();
const backends: [string, Backend][] = [
  ["wasm 1T", createWasmBackend(compiled, null)],
  ["wasm 2T", createWasmBackend(compiled, createNodePool(compiled, memory, 2), memory)],
];
const withJs = !args.includes("--no-js");

function randomView(shape: number[]): View {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n).map(() => Math.random() * 2 - 1);
  return { data, dtype: "float32", shape, strides: contiguousStrides(shape), offset: 0 };
}

/**
 * Median milliseconds of `fn` over enough runs to take about `budgetMs` (at least 3), after
 * running it for `warmMs`: V8 first runs wasm in its baseline tier and optimizes hot functions
 * in the background, which takes a while on a busy machine.
 */
function time(fn: () => void, budgetMs = 400, warmMs = 300): number {
  const warm = performance.now();
  let once = Infinity;
  do {
    const s = performance.now();
    fn();
    once = Math.min(once, performance.now() - s);
  } while (performance.now() - warm < warmMs);
  const runs = Math.max(3, Math.min(50, Math.round(budgetMs / Math.max(once, 1e-3))));
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    ms.push(performance.now() - s);
  }
  return ms.sort((a, b) => a - b)[runs >> 1]!;
}

// Warm up: V8 compiles hot wasm functions in the background, slowly on a busy machine.
const conv2: Conv2dParams = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
const warm = [randomView([1, 256, 256]), randomView([8, 16, 14, 14]), randomView([32, 16, 5, 5])];
const warmDy = randomView([8, 32, 14, 14]);
for (const t0 = performance.now(); performance.now() - t0 < 2000;) {
  for (const [, be] of backends) {
    be.matmul(warm[0]!, warm[0]!);
    be.conv2d(warm[1]!, warm[2]!, null, [14, 14], conv2);
    be.conv2dBackwardInput(warmDy, warm[2]!, [14, 14], conv2);
    be.conv2dBackwardWeight(warm[1]!, warmDy, [5, 5], conv2);
  }
}

console.log(`wasm SIMD variant: ${compiled.variant}\n\nGEMM GFLOP/s (median)`);
const gemms: [string, number, number, number][] = [
  ["256³", 256, 256, 256],
  ["1024³", 1024, 1024, 1024],
  ["conv2 im2col: [32, 400] · [400, 19600]", 32, 19600, 400],
];
for (const [label, M, N, K] of gemms) {
  const a = randomView([1, M, K]);
  const b = randomView([1, K, N]);
  const cells = backends.map(([name, be]) => {
    const ms = time(() => be.matmul(a, b));
    return `${name} ${((2 * M * N * K) / ms / 1e6).toFixed(1).padStart(5)}`;
  });
  console.log(`  ${label.padEnd(40)} ${cells.join("   ")}`);
}

// The reference convnet's convs at batch 100: conv1 1 → 16 on 28×28, conv2 16 → 32 on 14×14,
// both 5×5 with padding 2 (conv1's input needs no gradient, but it is timed for completeness).
console.log("\nconv layers at batch 100, median ms (GFLOP/s)");
for (const [name, C, O, S] of [
  ["conv1", 1, 16, 28],
  ["conv2", 16, 32, 14],
] as const) {
  const x = randomView([100, C, S, S]);
  const w = randomView([O, C, 5, 5]);
  const dy = randomView([100, O, S, S]);
  const flops = 2 * 100 * O * S * S * C * 25;
  const kernels: [string, (be: Backend) => unknown][] = [
    ["forward", (be) => be.conv2d(x, w, null, [S, S], conv2)],
    ["input grad", (be) => be.conv2dBackwardInput(dy, w, [S, S], conv2)],
    ["weight grad", (be) => be.conv2dBackwardWeight(x, dy, [5, 5], conv2)],
  ];
  for (const [kernel, run] of kernels) {
    const all: [string, Backend][] = withJs ? [...backends, ["js", jsBackend]] : backends;
    const cells = all.map(([bname, be]) => {
      const ms = bname === "js" ? time(() => run(be), 1500, 0) : time(() => run(be));
      return `${bname} ${ms.toFixed(2).padStart(7)} (${(flops / ms / 1e6).toFixed(1).padStart(4)})`;
    });
    console.log(`  ${`${name} ${kernel}`.padEnd(18)} ${cells.join("   ")}`);
  }
}
