/**
 * The article's `ConvNet1`, written to mirror its PyTorch code line for line:
 *
 * ```python
 * class ConvNet1(nn.Module):
 *     def __init__(self):
 *         super().__init__()
 *         self.conv1 = nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2)
 *         self.batch1 = nn.BatchNorm2d(16)
 *         self.relu1 = nn.ReLU()
 *         self.pool1 = nn.MaxPool2d(kernel_size=2)
 *         self.conv2 = nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2)
 *         self.batch2 = nn.BatchNorm2d(32)
 *         self.relu2 = nn.ReLU()
 *         self.pool2 = nn.MaxPool2d(kernel_size=2)
 *         self.fc = nn.Linear(32 * 7 * 7, 10)
 *
 *     def forward(self, x):
 *         out = self.pool1(self.relu1(self.batch1(self.conv1(x))))
 *         out = self.pool2(self.relu2(self.batch2(self.conv2(out))))
 *         out = out.view(out.size(0), -1)
 *         return self.fc(out)
 * ```
 */
import type { Tensor } from "@tsgrad/core";
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU } from "@tsgrad/nn";

/** Two conv → batch-norm → ReLU → max-pool blocks and a linear classifier (29,034 parameters). */
export class ConvNet1 extends Module {
  conv1 = new Conv2d(1, 16, 5, { stride: 1, padding: 2 });
  batch1 = new BatchNorm2d(16);
  relu1 = new ReLU();
  pool1 = new MaxPool2d(2);
  conv2 = new Conv2d(16, 32, 5, { stride: 1, padding: 2 });
  batch2 = new BatchNorm2d(32);
  relu2 = new ReLU();
  pool2 = new MaxPool2d(2);
  fc = new Linear(32 * 7 * 7, 10);

  /** Shape: [N, 1, 28, 28] → [N, 10] logits. */
  forward(x: Tensor): Tensor {
    let out = this.pool1.forward(this.relu1.forward(this.batch1.forward(this.conv1.forward(x))));
    out = this.pool2.forward(this.relu2.forward(this.batch2.forward(this.conv2.forward(out))));
    out = out.view(out.size(0), -1);
    return this.fc.forward(out);
  }
}
