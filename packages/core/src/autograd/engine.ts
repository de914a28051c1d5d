import { AutogradError, ShapeError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add } from "../ops/binary.js";
import { onesLike } from "../creation.js";
import { noGrad } from "./grad-mode.js";
import { planBackward, planGrad } from "./plan.js";
import { walk, type GradientSink, type WalkOptions } from "./walk.js";
import { backwardPass } from "../debug/observer.js";
import { recordOp } from "./define-op.js";

// The public entry points of autograd. Each one seeds the output gradients, plans the pass
// (plan.ts: which nodes, in what order) and walks it (walk.ts: apply rules, route gradients),
// telling the walk where the results go: into `.grad` (backward) or into a returned list (grad).

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default false). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives (default false). */
  createGraph?: boolean;
}

/** Options of `grad()`, PyTorch's `torch.autograd.grad`. */
export interface GradOptions extends BackwardOptions {
  /** Gradients with respect to each output (required for non-scalar outputs). */
  gradOutputs?: readonly (Tensor | null)[];
  /** Return `null` for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

function seedGrads(
  op: string,
  roots: readonly Tensor[],
  grads: readonly (Tensor | null)[] | undefined,
): Tensor[] {
  return roots.map((r, i) => {
    if (!r.requiresGrad) {
      throw new AutogradError(`${op}: output ${i} does not require grad and has no gradFn`);
    }
    const g = grads?.[i];
    if (g) {
      if (!sameShape(g.shape, r.shape)) {
        throw new ShapeError(
          `${op}: gradient shape ${fmtShape(g.shape)} does not match output shape ${fmtShape(r.shape)}`,
        );
      }
      return g;
    }
    if (r.numel() !== 1) {
      throw new AutogradError(
        `${op}: grad can be implicitly created only for scalar outputs, got shape ${fmtShape(r.shape)}; pass a gradient`,
      );
    }
    // d root / d root = 1 (recorded so that a traced backward pass starts from the root)
    return recordOp("onesLike", [r], onesLike(r), null);
  });
}

function resolve(op: string, options: BackwardOptions): WalkOptions {
  const createGraph = options.createGraph ?? false;
  return { op, createGraph, retainGraph: options.retainGraph ?? createGraph };
}

/** Accumulates gradients of `roots` into the `.grad` of every leaf that requires grad. */
export function backward(
  roots: readonly Tensor[],
  gradients?: readonly (Tensor | null)[],
  options: BackwardOptions = {},
): void {
  const walkOptions = resolve("backward", options);
  const sink: GradientSink = {
    leaf(leaf, g) {
      if (walkOptions.createGraph) {
        leaf.grad = leaf.grad ? add(leaf.grad, g) : g;
      } else if (leaf.grad) {
        const acc = leaf.grad;
        noGrad(() => acc.add_(g));
      } else {
        leaf.grad = noGrad(() => g.clone());
      }
    },
  };
  backwardPass(() => {
    const seeds = seedGrads("backward", roots, gradients);
    walk(planBackward(roots), seeds, walkOptions, sink);
  });
}

/**
 * Gradients of `outputs` with respect to `inputs`, without touching any `.grad` (PyTorch's
 * `torch.autograd.grad`). With `createGraph` the results are themselves differentiable.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new AutogradError(`grad: input ${i} does not require grad`);
  });
  const result: (Tensor | null)[] = ins.map(() => null);
  const accumulate = (i: number, g: Tensor): void => {
    const prev = result[i];
    result[i] = prev ? add(prev, g) : g;
  };
  const sink: GradientSink = {
    leaf: (leaf, g) => ins.forEach((t, i) => t === leaf && accumulate(i, g)),
    captured: (node, nr, g) =>
      ins.forEach((t, i) => t.gradFn === node && t.outputNr === nr && accumulate(i, g)),
  };
  backwardPass(() => {
    const seeds = seedGrads("grad", outs, options.gradOutputs);
    walk(planGrad(outs, ins), seeds, resolve("grad", options), sink);
  });
  return result.map((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new AutogradError(
        `grad: input ${i} (shape ${fmtShape(ins[i]!.shape)}) was not used to compute the outputs; pass { allowUnused: true } to get null`,
      );
    }
    return g;
  });
}
