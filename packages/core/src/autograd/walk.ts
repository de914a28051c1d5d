import { isFloating } from "../dtype.js";
import { AutogradError } from "../errors.js";
import { add } from "../ops/binary.js";
import { to } from "../ops/cast.js";
import { sumTo } from "../ops/movement.js";
import { zeros } from "../creation.js";
import { sameShape } from "../shape.js";
import type { Storage } from "../storage.js";
import type { Tensor } from "../tensor.js";
import { debugMode, runRule } from "../debug/observer.js";
import { inDonationScope, isDonatable, spansStorage, withOffers } from "./donation.js";
import { withGradMode } from "./grad-mode.js";
import type { GradHook, Node } from "./node.js";
import type { BackwardPlan } from "./plan.js";

// The second half of the engine: visit the nodes in the plan's order, run each rule on the
// gradients of its outputs, and route the results to its inputs. Broadcast gradients are summed
// back to each input's shape here, once, rather than in every rule.

/** How a walk runs. */
export interface WalkOptions {
  /** The public entry point, for error messages (`backward` or `grad`). */
  readonly op: string;
  /** Record the rules' ops, so the gradients are differentiable themselves. */
  readonly createGraph: boolean;
  /** Keep each node's rule and saved tensors after it ran. */
  readonly retainGraph: boolean;
}

/** Where the gradients a walk computes go. */
export interface GradientSink {
  /** A leaf's total gradient, after its hooks; once per leaf, when the walk is over. */
  leaf(leaf: Tensor, g: Tensor): void;
  /** The gradient of output `nr` of a node the plan captures, after that output's hooks. */
  captured?(node: Node, nr: number, g: Tensor): void;
}

/** Runs the plan: `seeds[i]` is the gradient of `plan.roots[i]`. */
export function walk(
  plan: BackwardPlan,
  seeds: readonly Tensor[],
  options: WalkOptions,
  sink: GradientSink,
): void {
  inDonationScope(() => walkInScope(plan, seeds, options, sink));
}

function walkInScope(
  plan: BackwardPlan,
  seeds: readonly Tensor[],
  options: WalkOptions,
  sink: GradientSink,
): void {
  const inGradMode = <T>(fn: () => T): T => withGradMode(options.createGraph, fn);
  const pending = new PendingGradients();
  inGradMode(() => plan.roots.forEach((r, i) => pending.route(r, seeds[i]!)));

  for (const node of plan.order) {
    const buffer = pending.take(node);
    if (!buffer) continue; // no gradient reached this node
    const applies = plan.applied.has(node);
    const captured = plan.captured.has(node);
    if (!applies && !captured) continue;
    const rule = node.apply;
    if (applies && !rule) throw freedGraphError(options.op, node);
    const inputs = node.inputs;
    inGradMode(() => {
      const grads = outputGradients(node, buffer);
      if (captured) grads.forEach((g, nr) => sink.captured?.(node, nr, g));
      if (!applies || !rule) return;
      const inGrads = debugMode.on
        ? runRule(node, rule, grads)
        : withOffers(options.createGraph || captured ? [] : pending.exclusive(node, grads), () =>
            rule(grads),
          );
      inputs.forEach((t, i) => {
        const g = inGrads[i];
        if (t && g && t.requiresGrad) pending.route(t, g);
      });
    });
    if (applies && !options.retainGraph) {
      // free the saved tensors: the rule's closure owns them
      node.apply = null;
      node.inputs = [];
    }
  }

  inGradMode(() => {
    for (const [leaf, g] of pending.leaves) sink.leaf(leaf, applyHooks(leaf.leafHooks, g));
  });
}

/**
 * Gradients waiting to be used: per node, one slot per output (summed as they arrive); per leaf,
 * the running total (leaf hooks then see the total once, as in PyTorch).
 */
class PendingGradients {
  readonly leaves = new Map<Tensor, Tensor>();
  readonly #buffers = new Map<Node, (Tensor | null)[]>();
  /** How often each reusable gradient's storage was routed (see donation.ts). */
  readonly #routed = new Map<Storage, number>();

  /** Adds `g` to what `t` has received, first reducing it to `t`'s shape and dtype. */
  route(t: Tensor, g: Tensor): void {
    if (isDonatable(g)) this.#routed.set(g.storage, (this.#routed.get(g.storage) ?? 0) + 1);
    if (!sameShape(g.shape, t.shape)) g = sumTo(g, t.shape);
    if (g.dtype !== t.dtype && isFloating(t.dtype)) g = to(g, t.dtype);
    const node = t.gradFn;
    if (!node) {
      const prev = this.leaves.get(t);
      if (t.requiresGrad) this.leaves.set(t, prev ? add(prev, g) : g);
      return;
    }
    let buffer = this.#buffers.get(node);
    if (!buffer) this.#buffers.set(node, (buffer = node.outputs.map(() => null)));
    const prev = buffer[t.outputNr];
    buffer[t.outputNr] = prev ? add(prev, g) : g;
  }

  /**
   * Of the gradients `node`'s rule is about to get, those it may reuse: marked reusable, routed
   * once (to this node alone), spanning their storage, and seen by no hook of that output.
   */
  exclusive(node: Node, grads: readonly Tensor[]): Tensor[] {
    return grads.filter(
      (g, nr) =>
        isDonatable(g) &&
        this.#routed.get(g.storage) === 1 &&
        spansStorage(g) &&
        !node.hooks.get(nr)?.length &&
        grads.indexOf(g) === nr,
    );
  }

  /** The gradients `node`'s outputs received (removed from here), or undefined if none. */
  take(node: Node): (Tensor | null)[] | undefined {
    const buffer = this.#buffers.get(node);
    this.#buffers.delete(node);
    return buffer;
  }
}

/** One gradient per output of `node`: zeros where none arrived, then that output's hooks. */
function outputGradients(node: Node, buffer: readonly (Tensor | null)[]): Tensor[] {
  return buffer.map((g, nr) => {
    const meta = node.outputs[nr]!;
    return applyHooks(node.hooks.get(nr), g ?? zeros(meta.shape, { dtype: meta.dtype }));
  });
}

function applyHooks(hooks: readonly GradHook[] | undefined, g: Tensor): Tensor {
  if (!hooks) return g;
  for (const h of hooks) g = h(g) ?? g;
  return g;
}

function freedGraphError(op: string, node: Node): AutogradError {
  return new AutogradError(
    `${op}: trying to backward through the graph a second time (at ${node.name}); its saved ` +
      "tensors were freed after the first backward. Pass { retainGraph: true } to the first call.",
  );
}
