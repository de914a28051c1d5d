/** The article's ConvNet1, written as its PyTorch code is, and its PyTorch fixture. */
import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "@tsgrad/core";
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU } from "@tsgrad/nn";

export class ConvNet1 extends Module {
  conv1 = new Conv2d(1, 16, 5, { stride: 1, padding: 2 });
  batch1 = new BatchNorm2d(16);
  relu1 = new ReLU();
  pool1 = new MaxPool2d(2);
  conv2 = new Conv2d(16, 32, 5, { stride: 1, padding: 2 });
  batch2 = new BatchNorm2d(32);
  relu2 = new ReLU();
  pool2 = new MaxPool2d(2);
  fc = new Linear(7 * 7 * 32, 10);

  override forward(x: Tensor): Tensor {
    let out = this.pool1.forward(this.relu1.forward(this.batch1.forward(this.conv1.forward(x))));
    out = this.pool2.forward(this.relu2.forward(this.batch2.forward(this.conv2.forward(out))));
    out = out.view(out.size(0), -1);
    return this.fc.forward(out);
  }
}

/** What scripts/fixtures/nn_interop.py recorded from PyTorch. */
export interface ConvNet1Fixture {
  trainableParameters: number;
  stateDict: [string, number[], string][];
  inputShape: number[];
  pixels: number[];
  logits: number[][];
  train: Record<string, number | number[] | number[][]>;
  reprs: Record<string, string>;
}

/** Absolute path of a fixture file. */
export const fixturePath = (name: string): string =>
  new URL(`./fixtures/${name}`, import.meta.url).pathname;

export const fixture = JSON.parse(
  readFileSync(fixturePath("convnet1.json"), "utf8"),
) as ConvNet1Fixture;

/** The fixture inputs as PyTorch computed them: float32(pixels) / 255, shape [4, 1, 28, 28]. */
export function fixtureInputs(): Tensor {
  return tensor(fixture.pixels).reshape(fixture.inputShape).div(255);
}

/** Largest violation of |got − want| ≤ atol + rtol·|want| (≤ 0 when all elements pass). */
export function closeness(got: Tensor, want: number[], rtol: number, atol: number): number {
  const g = got.dataSync();
  let worst = -Infinity;
  want.forEach((w, i) => {
    worst = Math.max(worst, Math.abs(g[i]! - w) - (atol + rtol * Math.abs(w)));
  });
  return worst;
}
