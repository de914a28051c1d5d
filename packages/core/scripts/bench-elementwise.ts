// Times the float32 elementwise and reduction kernels on the convnet's first activation,
// [100, 16, 28, 28] (1.25 M floats, 5 MB), on the JS reference and on the wasm backend at one and
// two threads, next to the cost of the arena round trip alone (copy in, copy out) that every wasm
// call pays because tensors live in ordinary ArrayBuffers. Medians of interleaved trials.
//   npx tsx packages/core/scripts/bench-elementwise.ts
import type { Backend, View } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { contiguousStrides, numelOf } from "../src/shape.js";

const shape = [100, 16, 28, 28];
const n = numelOf(shape);
const TRIALS = 15;

function seeded(shape: readonly number[], seed: number): View {
  const data = new Float32Array(numelOf(shape));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2147483648 - 1;
  }
  return { data, dtype: "float32", shape, strides: contiguousStrides(shape), offset: 0 };
}

const x = seeded(shape, 1);
const y = seeded(shape, 2);
const bias: View = { ...seeded([16], 3), shape, strides: [0, 1, 0, 0] };
const zero: View = { ...seeded([1], 4), shape, strides: [0, 0, 0, 0] };
const mask: View = {
  data: Uint8Array.from(x.data as Float32Array, (v) => (v > 0 ? 1 : 0)),
  dtype: "bool",
  shape,
  strides: contiguousStrides(shape),
  offset: 0,
};
const nhwc: View = { ...x, shape: [100, 28, 28, 16], strides: [12544, 28, 1, 784] };

const compiled = compileKernelsSync();
const memory = createMemory();
const backends: [string, Backend][] = [
  ["js", jsBackend],
  ["wasm 1t", createWasmBackend(compiled, null)],
  ["wasm 2t", createWasmBackend(compiled, createNodePool(compiled, memory, 2), memory)],
];
const wasm1 = backends[1]![1] as ReturnType<typeof createWasmBackend>;

const cases: [string, (b: Backend) => unknown][] = [
  ["relu", (b) => b.unary("relu", x)],
  ["exp", (b) => b.unary("exp", x)],
  ["add", (b) => b.binary("add", x, y)],
  ["mul", (b) => b.binary("mul", x, y)],
  ["add bias [1,C,1,1]", (b) => b.binary("add", x, bias)],
  ["gt 0 (relu backward)", (b) => b.binary("gt", x, zero)],
  ["where (relu backward)", (b) => b.where(mask, y, zero)],
  ["sum all", (b) => b.reduce("sum", x, [0, 1, 2, 3], "float32")],
  ["sum [0,2,3] (bias grad)", (b) => b.reduce("sum", x, [0, 2, 3], "float32")],
  ["copy NCHW→NHWC", (b) => b.copy(nhwc, "float32")],
];

/** The arena round trip alone: one operand in, one result out. */
function roundTrip(): void {
  const rt = wasm1.runtime;
  rt.arena.scope(() => rt.takeF32(rt.put(x), n));
}

const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1]!;
const times = new Map<string, number[]>();
const time = (key: string, fn: () => unknown) => {
  const t0 = performance.now();
  fn();
  (times.get(key) ?? times.set(key, []).get(key)!).push(performance.now() - t0);
};
for (let t = 0; t < TRIALS + 2; t++) {
  for (const [label, run] of cases)
    for (const [name, b] of backends) time(`${label}|${name}`, () => run(b));
  time("round trip", roundTrip);
}

const cell = (ms: number) => ms.toFixed(2).padStart(8);
console.log(`[${shape}] float32, ${n} elements; median ms of ${TRIALS} trials`);
console.log(`${"".padEnd(26)}${backends.map(([name]) => name.padStart(8)).join("")}  wasm 1t / js`);
for (const [label] of cases) {
  const ms = backends.map(([name]) => median(times.get(`${label}|${name}`)!.slice(2)));
  console.log(`${label.padEnd(26)}${ms.map(cell).join("")}  ${(ms[1]! / ms[0]!).toFixed(2)}`);
}
console.log(
  `arena round trip (5 MB in, 5 MB out): ${median(times.get("round trip")!.slice(2)).toFixed(2)} ms`,
);
