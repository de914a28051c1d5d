// A strict TypeScript consumer of the packed tarballs, type-checked (not run) under
// moduleResolution "bundler" and "node16" with skipLibCheck off, so every shipped .d.ts file is
// checked too. The @ts-expect-error lines prove the typings are real types, not `any`.
import {
  Tensor,
  getBackend,
  manualSeed,
  rand,
  randint,
  setBackend,
  zeros,
  type Backend,
  type DType,
} from "@tsgrad/core";
import { conv2d, maxPool2d, type Conv2dOptions } from "@tsgrad/core/functional";
import { DataLoader, TensorDataset, encodeIdx, parseIdx, type IdxArray } from "@tsgrad/datasets";
import { FashionMNIST, readIdxFile, type MNISTOptions } from "@tsgrad/datasets/node";
import {
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  F,
  Linear,
  Module,
  ReLU,
  type StateDict,
} from "@tsgrad/nn";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";
import { Adam, CosineAnnealingLR, type Optimizer } from "@tsgrad/optim";

class TinyNet extends Module {
  conv = new Conv2d(1, 4, 3, { padding: 1 });
  bn = new BatchNorm2d(4);
  relu = new ReLU();
  fc = new Linear(4 * 4 * 4, 3);
  forward(x: Tensor): Tensor {
    const h = maxPool2d(this.relu.forward(this.bn.forward(this.conv.forward(x))), 2);
    return this.fc.forward(h.view(h.size(0), -1));
  }
}

export async function train(steps: number): Promise<number> {
  const backend: Backend = await setBackend("wasm", { threads: 1 });
  manualSeed(0);
  const model = new TinyNet();
  const optimizer: Optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const schedule = new CosineAnnealingLR(optimizer, steps);
  const criterion = new CrossEntropyLoss();
  const x = rand([16, 1, 8, 8]);
  const y = randint(0, 3, [16]);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 8 });
  let last = 0;
  for (let step = 0; step < steps; step++) {
    for (const [images, labels] of loader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      last = loss.item();
    }
    schedule.step();
  }
  const options: Conv2dOptions = { stride: 1, padding: 1 };
  const direct: Tensor = F.conv2d(x, model.conv.weight, model.conv.bias, options);
  const same: Tensor = conv2d(x, model.conv.weight, null, options);
  const state: StateDict = model.stateDict();
  saveSafetensors(state, "model.safetensors");
  model.loadStateDict(loadSafetensors("model.safetensors").tensors);
  const dtype: DType = direct.dtype;
  console.log(backend.name, getBackend().threads, same.shape, dtype);
  return last;
}

export function idx(bytes: Uint8Array): IdxArray {
  const parsed: IdxArray = parseIdx(encodeIdx([2, 2], bytes));
  const options: MNISTOptions = { train: false };
  void FashionMNIST;
  void options;
  const read: IdxArray = readIdxFile("images.idx", { ndim: 3, maxDecompressedBytes: 1 << 20 });
  return read.dims.length > 0 ? read : parsed;
}

// @ts-expect-error: shapes are numbers
zeros(["2", "3"]);
// @ts-expect-error: conv2d takes an options object, not a number
conv2d(rand([1, 1, 4, 4]), rand([1, 1, 3, 3]), null, 1);
// @ts-expect-error: no such dtype
zeros([1], { dtype: "float16" });
// @ts-expect-error: Adam's options are typed
new Adam([], { learningRate: 1 });
