/**
 * Stateless functions behind the layers (PyTorch's `torch.nn.functional`): all of
 * `@tsgrad/core/functional`, plus `linear`, as one namespace:
 * `import { F } from "@tsgrad/nn"; F.conv2d(x, w, b, { padding: 2 })`.
 * @packageDocumentation
 */
import { add, matmul, ShapeError, type Tensor } from "@tsgrad/core";

// every torch.nn.functional op of core, from its one list (core/src/functional.ts)
export * from "@tsgrad/core/functional";

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
