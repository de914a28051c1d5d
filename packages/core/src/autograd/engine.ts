import { isFloating } from "../dtype.js";
import { AutogradError, ShapeError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add } from "../ops/binary.js";
import { sumTo } from "../ops/reduce.js";
import { onesLike, zeros } from "../creation.js";
import { to } from "../ops/cast.js";
import { noGrad, withGradMode } from "./grad-mode.js";
import type { GradHook, Node } from "./node.js";

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

function applyHooks(hooks: readonly GradHook[] | undefined, g: Tensor): Tensor {
  if (!hooks) return g;
  for (const h of hooks) g = h(g) ?? g;
  return g;
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
    return onesLike(r);
  });
}

/** Every node reachable from the roots, with the number of graph edges pointing into each. */
function dependencies(roots: readonly Tensor[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (r.gradFn && !deps.has(r.gradFn)) {
      deps.set(r.gradFn, 0);
      stack.push(r.gradFn);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const t of node.inputs) {
      const next = t?.gradFn;
      if (!next) continue;
      const seen = deps.has(next);
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  return deps;
}

/**
 * For `grad()`: the nodes whose backward must run for gradients to reach `targets` (`applied`),
 * and the nodes producing non-leaf targets, whose output gradients are captured (`captured`).
 * Other nodes are skipped, as PyTorch does, so a freed subgraph below a target is never touched.
 */
function neededNodes(
  deps: ReadonlyMap<Node, number>,
  targets: readonly Tensor[],
): { applied: Set<Node>; captured: Set<Node> } {
  const leaves = new Set(targets.filter((t) => t.gradFn === null));
  const captured = new Set(targets.flatMap((t) => (t.gradFn ? [t.gradFn] : [])));
  // topological order (roots first), then a sweep from the inputs' end back to the roots
  const pending = new Map(deps);
  const order = [...pending].filter(([, d]) => d === 0).map(([n]) => n);
  for (let i = 0; i < order.length; i++) {
    for (const t of order[i]!.inputs) {
      const next = t?.gradFn;
      if (!next) continue;
      const d = pending.get(next)! - 1;
      pending.set(next, d);
      if (d === 0) order.push(next);
    }
  }
  const applied = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const leadsToTarget = node.inputs.some(
      (t) =>
        t !== null &&
        (leaves.has(t) || (t.gradFn && (applied.has(t.gradFn) || captured.has(t.gradFn)))),
    );
    if (leadsToTarget) applied.add(node);
  }
  return { applied, captured };
}

/**
 * The engine: walks the graph from `roots` in topological order without recursion, reduces
 * broadcast gradients to each input's shape, and hands leaf gradients to `deliver`.
 */
function run(
  op: string,
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  options: BackwardOptions,
  deliver: (leaf: Tensor, g: Tensor) => void,
  capture?: (node: Node, nr: number, g: Tensor) => void,
  targets?: readonly Tensor[],
): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const deps = dependencies(roots);
  const needed = targets ? neededNodes(deps, targets) : null;
  const buffers = new Map<Node, (Tensor | null)[]>();
  // leaf gradients are summed first, so leaf hooks see the total once, as in PyTorch
  const leafGrads = new Map<Tensor, Tensor>();
  const route = (t: Tensor, g: Tensor): void => {
    if (!sameShape(g.shape, t.shape)) g = sumTo(g, t.shape);
    if (g.dtype !== t.dtype && isFloating(t.dtype)) g = to(g, t.dtype);
    const node = t.gradFn;
    if (!node) {
      const prev = leafGrads.get(t);
      if (t.requiresGrad) leafGrads.set(t, prev ? add(prev, g) : g);
      return;
    }
    let buf = buffers.get(node);
    if (!buf) buffers.set(node, (buf = node.outputs.map(() => null)));
    const prev = buf[t.outputNr];
    buf[t.outputNr] = prev ? add(prev, g) : g;
  };
  withGradMode(createGraph, () => roots.forEach((r, i) => route(r, rootGrads[i]!)));

  const ready: Node[] = [...deps].filter(([, d]) => d === 0).map(([n]) => n);
  while (ready.length > 0) {
    const node = ready.pop()!;
    const buf = buffers.get(node);
    buffers.delete(node);
    const inputs = node.inputs;
    const mustApply = needed === null || needed.applied.has(node);
    if (buf && buf.some((g) => g !== null) && (mustApply || needed.captured.has(node))) {
      if (mustApply && !node.apply) {
        throw new AutogradError(
          `${op}: trying to backward through the graph a second time (at ${node.name}); its saved ` +
            "tensors were freed after the first backward. Pass { retainGraph: true } to the first call.",
        );
      }
      const apply = node.apply;
      withGradMode(createGraph, () => {
        const grads = buf.map((g, nr) => {
          const meta = node.outputs[nr]!;
          const full = g ?? zeros(meta.shape, { dtype: meta.dtype });
          const hooked = applyHooks(node.hooks.get(nr), full);
          capture?.(node, nr, hooked);
          return hooked;
        });
        if (!mustApply || !apply) return;
        const inGrads = apply(grads);
        inputs.forEach((t, i) => {
          const g = inGrads[i];
          if (t && g && t.requiresGrad) route(t, g);
        });
      });
      if (mustApply && !retainGraph) {
        node.apply = null;
        node.inputs = [];
      }
    }
    for (const t of inputs) {
      const next = t?.gradFn;
      if (!next) continue;
      const d = deps.get(next)! - 1;
      deps.set(next, d);
      if (d === 0) ready.push(next);
    }
  }
  withGradMode(createGraph, () => {
    for (const [leaf, g] of leafGrads) deliver(leaf, applyHooks(leaf.leafHooks, g));
  });
}

/** Accumulates gradients of `roots` into the `.grad` of every leaf that requires grad. */
export function backward(
  roots: readonly Tensor[],
  gradients?: readonly (Tensor | null)[],
  options: BackwardOptions = {},
): void {
  const seeds = seedGrads("backward", roots, gradients);
  const createGraph = options.createGraph ?? false;
  run("backward", roots, seeds, options, (leaf, g) => {
    if (createGraph) {
      leaf.grad = leaf.grad ? add(leaf.grad, g) : g;
    } else if (leaf.grad) {
      const acc = leaf.grad;
      noGrad(() => acc.add_(g));
    } else {
      leaf.grad = noGrad(() => g.clone());
    }
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
  const seeds = seedGrads("grad", outs, options.gradOutputs);
  const result: (Tensor | null)[] = ins.map(() => null);
  const accumulate = (i: number, g: Tensor): void => {
    const prev = result[i];
    result[i] = prev ? add(prev, g) : g;
  };
  run(
    "grad",
    outs,
    seeds,
    options,
    (leaf, g) => ins.forEach((t, i) => t === leaf && accumulate(i, g)),
    (node, nr, g) =>
      ins.forEach((t, i) => t.gradFn === node && t.outputNr === nr && accumulate(i, g)),
    ins,
  );
  return result.map((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new AutogradError(
        `grad: input ${i} (shape ${fmtShape(ins[i]!.shape)}) was not used to compute the outputs; pass { allowUnused: true } to get null`,
      );
    }
    return g;
  });
}
