/**
 * A small model for the trace golden test: one conv block of the article's ConvNet1, shrunk.
 * NOTE: the golden text records the line numbers of this file's `forward`; editing this file
 * means regenerating packages/nn/test/fixtures/small-convnet.trace.txt (see trace.test.ts).
 */
import { crossEntropy, type Tensor } from "@tsgrad/core";
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU } from "@tsgrad/nn";

export class SmallConvNet extends Module {
  conv = new Conv2d(1, 2, 3, { padding: 1 });
  bn = new BatchNorm2d(2);
  relu = new ReLU();
  pool = new MaxPool2d(2);
  fc = new Linear(2 * 3 * 3, 3);

  /** Shape: [N, 1, 6, 6] → [N, 3]. */
  forward(x: Tensor): Tensor {
    const h = this.pool.forward(this.relu.forward(this.bn.forward(this.conv.forward(x))));
    return this.fc.forward(h.flatten(1));
  }
}

/** One training step's forward and backward: cross-entropy of `net(x)` against `target`. */
export function lossAndBackward(net: SmallConvNet, x: Tensor, target: Tensor): Tensor {
  const loss = crossEntropy(net.forward(x), target);
  loss.backward();
  return loss;
}
