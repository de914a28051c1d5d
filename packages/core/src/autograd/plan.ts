import type { Tensor } from "../tensor.js";
import type { Node } from "./node.js";

// The first half of the engine: which nodes a backward pass visits, and in what order. Planning
// reads only the graph's structure (each node's inputs), never a gradient; walk.ts then applies
// the rules in this order.

/** What a backward pass will do, decided before any rule runs. */
export interface BackwardPlan {
  /** The tensors whose gradients start the pass. */
  readonly roots: readonly Tensor[];
  /**
   * Every node reachable from the roots, each after every node that feeds it a gradient (a
   * topological order of the graph, roots first).
   */
  readonly order: readonly Node[];
  /** The nodes whose backward rule runs: all of them for `backward()`; for `grad()` only those
   * on a path to a requested input. */
  readonly applied: ReadonlySet<Node>;
  /** Nodes whose output gradients are handed to the caller: `grad()`'s non-leaf inputs. */
  readonly captured: ReadonlySet<Node>;
}

/** For `backward()`: every reachable node runs its rule. */
export function planBackward(roots: readonly Tensor[]): BackwardPlan {
  const order = topologicalOrder(roots);
  return { roots, order, applied: new Set(order), captured: new Set() };
}

/**
 * For `grad()`: only the nodes on a path from the roots to a target run their rule, as in
 * PyTorch, so a freed subgraph below a target is never touched. Nodes that produced non-leaf
 * targets have their output gradients captured.
 */
export function planGrad(roots: readonly Tensor[], targets: readonly Tensor[]): BackwardPlan {
  const order = topologicalOrder(roots);
  const leaves = new Set(targets.filter((t) => t.gradFn === null));
  const captured = new Set(targets.flatMap((t) => (t.gradFn ? [t.gradFn] : [])));
  // inputs before consumers: a node leads to a target if one of its inputs is a target leaf or
  // comes from a node that is captured or itself leads to a target
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
  return { roots, order, applied, captured };
}

/** Number of graph edges into each node reachable from the roots (its consumers' count). */
function consumerCounts(roots: readonly Tensor[]): Map<Node, number> {
  const counts = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (r.gradFn && !counts.has(r.gradFn)) {
      counts.set(r.gradFn, 0);
      stack.push(r.gradFn);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const t of node.inputs) {
      const next = t?.gradFn;
      if (!next) continue;
      const seen = counts.has(next);
      counts.set(next, (counts.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  return counts;
}

/**
 * Kahn's algorithm without recursion (deep graphs must not overflow the stack): a node becomes
 * ready once all its consumers are done, and of the ready nodes the most recently created runs
 * first, as in PyTorch's engine. So hooks fire in PyTorch's order, and gradients are summed in a
 * fixed order, which keeps results bit-for-bit reproducible.
 */
function topologicalOrder(roots: readonly Tensor[]): Node[] {
  const pending = consumerCounts(roots);
  const ready = new NewestFirst();
  for (const [node, n] of pending) if (n === 0) ready.push(node);
  const order: Node[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    order.push(node);
    for (const t of node.inputs) {
      const next = t?.gradFn;
      if (!next) continue;
      const n = pending.get(next)! - 1;
      pending.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  return order;
}

/** A binary heap of nodes, the largest `sequenceNr` on top. */
class NewestFirst {
  readonly #heap: Node[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(node: Node): void {
    const h = this.#heap;
    let i = h.push(node) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.sequenceNr >= node.sequenceNr) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = node;
  }

  pop(): Node {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= h.length) break;
        const right = left + 1;
        const child = right < h.length && h[right]!.sequenceNr > h[left]!.sequenceNr ? right : left;
        if (h[child]!.sequenceNr <= last.sequenceNr) break;
        h[i] = h[child]!;
        i = child;
      }
      h[i] = last;
    }
    return top;
  }
}
