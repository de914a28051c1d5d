/**
 * Stateless functions behind the layers (PyTorch's `torch.nn.functional`), re-exported from
 * `@tsgrad/core` as one namespace: `import { F } from "@tsgrad/nn"; F.conv2d(x, w, b, { padding: 2 })`.
 * @packageDocumentation
 */
import { add, matmul, ShapeError, type Tensor } from "@tsgrad/core";

export {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  conv1d,
  conv2d,
  convTranspose2d,
  crossEntropy,
  dropout,
  elu,
  gelu,
  l1Loss,
  leakyRelu,
  logSoftmax,
  lpPool2d,
  maxPool2d,
  mseLoss,
  nllLoss,
  pad,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "@tsgrad/core";

// the article's weighted-average pooling, which PyTorch does not have
export { distanceWeightedAvgPool2d } from "@tsgrad/core";

/**
 * Affine map `x·Wᵀ + b` (PyTorch's `F.linear`).
 * Shape: x [*, in], weight [out, in], bias [out] → [*, out].
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.dim() !== 2 || x.dim() === 0 || x.shape[x.dim() - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `linear: input [${x.shape.join(", ")}] does not fit weight [${weight.shape.join(", ")}] (expected input [*, ${weight.shape[1] ?? "?"}] and a 2-D weight)`,
    );
  }
  const y = matmul(x, weight.t());
  return bias ? add(y, bias) : y;
}
