// The browser consumer: bundled by esbuild for the browser platform with nothing external (the
// build fails if anything pulls in a Node built-in), then run to check the bundle works: the wasm
// kernels come from the bundle itself (base64), with no loader configuration.
import { getBackend, manualSeed, rand, randint, setBackend } from "@tsgrad/core";
import { DataLoader, TensorDataset, encodeIdx, parseIdx } from "@tsgrad/datasets";
import { Conv2d, CrossEntropyLoss, F, Flatten, Linear, ReLU, Sequential } from "@tsgrad/nn";
import { SGD } from "@tsgrad/optim";

await setBackend("wasm", { threads: 1 });
manualSeed(0);
const model = new Sequential(
  new Conv2d(1, 2, 3, { padding: 1 }),
  new ReLU(),
  new Flatten(),
  new Linear(2 * 6 * 6, 3),
);
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
const criterion = new CrossEntropyLoss();
const loader = new DataLoader(new TensorDataset(rand([8, 1, 6, 6]), randint(0, 3, [8])), {
  batchSize: 4,
});
let loss = NaN;
for (const [x, y] of loader) {
  optimizer.zeroGrad();
  const l = criterion.forward(F.relu(model.forward(x)), y);
  l.backward();
  optimizer.step();
  loss = l.item();
}
const { dims } = parseIdx(encodeIdx([2, 3], new Uint8Array(6)));
const b = getBackend();
if (b.name !== "wasm" || !Number.isFinite(loss) || dims.join() !== "2,3") {
  throw new Error(`browser bundle: backend ${b.name}, loss ${loss}, dims ${dims}`);
}
console.log(`browser bundle: ${b.name} backend (${b.simd} SIMD), loss ${loss.toFixed(4)}`);
