// Times the pooling and batch-norm kernels (and the fused Adam step) of the wasm backend on 1 and 2
// threads against the JS reference, at the reference convnet's batch-100 shapes. Kernel calls
// only (operands already built): median and minimum of repeated runs after warm-up. Wall time
// includes copying operands into the wasm arena and results out into fresh arrays.
//   npx tsx packages/core/scripts/bench-pool-norm.ts [--reps 15]
import type { Backend, View } from "../src/backend/backend.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { Generator, jsBackend, randn } from "../src/index.js";
import { vectorView } from "../src/backend/strided.js";
import { poolGeometry } from "../src/pool-shape.js";

const repsFlag = process.argv.indexOf("--reps");
const REPS = repsFlag > 0 ? Number(process.argv[repsFlag + 1]) : 15;

const compiled = compileKernelsSync();
const memory = createMemory();
const backends: [string, Backend][] = [
  ["js", jsBackend],
  ["wasm 1t", createWasmBackend(compiled, null)],
  ["wasm 2t", createWasmBackend(compiled, createNodePool(compiled, memory, 2), memory)],
];

const gen = new Generator(1);
const normal = (shape: number[]): View => randn(shape, { generator: gen });

/** Median and minimum wall time of `fn` in ms, after warm-up. */
function timeOf(fn: () => unknown): [number, number] {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [times[times.length >> 1]!, times[0]!];
}

type Case = [string, (b: Backend) => unknown];
const cases: Case[] = [];

for (const shape of [
  [100, 16, 28, 28],
  [100, 32, 14, 14],
] as [number, number, number, number][]) {
  const tag = `[${shape.join(",")}]`;
  const x = normal(shape);
  const p = poolGeometry("maxPool2d", shape, { kernelSize: 2 });
  const pooled = jsBackend.maxPool2d(x, p);
  const g = normal([shape[0], shape[1], ...p.outSize]);
  const idx: View = { ...g, data: pooled.indices, dtype: "int32" };
  cases.push([`maxPool2d fwd ${tag}`, (b) => b.maxPool2d(x, p)]);
  cases.push([`maxPool2d bwd ${tag}`, (b) => b.maxPool2dBackward(g, idx, shape)]);

  const C = shape[1];
  const mean = vectorView(Float64Array.from({ length: C }, () => gen.normal() * 0.1));
  const invstd = vectorView(Float64Array.from({ length: C }, () => 0.5 + gen.random()));
  const weight = randn([C], { generator: gen });
  const bias = randn([C], { generator: gen });
  const gy = normal(shape);
  cases.push([
    `batchNorm fwd (training: stats + normalise) ${tag}`,
    (b) => b.batchNormTraining(x, weight, bias, 1e-5).output,
  ]);
  cases.push([
    `batchNorm bwd (training) ${tag}`,
    (b) => b.batchNormBackward(gy, x, mean, invstd, weight, true),
  ]);
}

// the convnet's parameters: conv1, bn1, conv2, bn2, linear
const shapes = [
  [16, 1, 5, 5],
  [16],
  [16],
  [16],
  [32, 16, 5, 5],
  [32],
  [32],
  [32],
  [10, 1568],
  [10],
];
const params = shapes.map(normal);
const grads = shapes.map(normal);
const moments = shapes.map((s) => [normal(s), randn(s, { generator: gen }).abs()]);
const hyper = { lr: 1e-3, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0 };
cases.push([
  "Adam step, all convnet parameters (29k)",
  (b) =>
    b.adamStep(
      params,
      grads,
      moments.map((m) => m[0]!),
      moments.map((m) => m[1]!),
      { ...hyper, decoupled: false, steps: shapes.map(() => 10) },
    ),
]);

const width = Math.max(...cases.map(([n]) => n.length));
const head = backends.map(([n]) => n.padStart(15)).join("  ");
console.log(
  `ms: median (min) of ${REPS} runs\n${"kernel".padEnd(width)}  ${head}   js / wasm 1t, 2t`,
);
for (const [name, fn] of cases) {
  const ms = backends.map(([, b]) => timeOf(() => fn(b)));
  const cells = ms.map(([med, min]) => `${med.toFixed(2)} (${min.toFixed(2)})`.padStart(15));
  const speedup = ms.slice(1).map(([med]) => `${(ms[0]![0] / med).toFixed(1)}×`);
  console.log(`${name.padEnd(width)}  ${cells.join("  ")}   ${speedup.join(", ")}`);
}
