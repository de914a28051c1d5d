import type { DType } from "../dtype.js";
import type { Tensor } from "../tensor.js";

/** A gradient hook: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** A handle returned by `registerHook`, to remove the hook again. */
export interface RemovableHandle {
  /** Unregisters the hook (a no-op when it is already gone). */
  remove(): void;
}

/** Appends `hook` to `list`; the handle takes it out again. */
export function addHook(list: GradHook[], hook: GradHook): RemovableHandle {
  list.push(hook);
  return {
    remove: () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** Computes input gradients from output gradients (one entry per input, `null` = no gradient). */
export type ApplyFn = (gradOutputs: readonly Tensor[]) => readonly (Tensor | null | undefined)[];

let created = 0;

/**
 * One recorded operation in the graph. It holds its inputs (to route gradients onward) and a
 * backward closure that owns the saved tensors; releasing the closure frees them.
 */
export class Node {
  /** Creation order: of the nodes ready to run, backward runs the newest first, as PyTorch does. */
  readonly sequenceNr = created++;
  /** Hooks on this node's outputs, by output index (non-leaf `registerHook`). */
  readonly hooks = new Map<number, GradHook[]>();
  /** Where the op was called (a stack trace), captured only in anomaly mode; else `null`. */
  creationStack: string | null = null;
  constructor(
    /** The op that produced the outputs, for error messages and `gradFn.name`. */
    readonly name: string,
    /** The tensor inputs, in order; gradients are routed back to them. */
    public inputs: readonly (Tensor | null)[],
    /** Backward closure, or `null` once the graph has been freed. */
    public apply: ApplyFn | null,
    /** Shape and dtype of each output, to zero-fill outputs that received no gradient. */
    readonly outputs: readonly { shape: readonly number[]; dtype: DType }[],
  ) {}

  /** The hooks on output `nr` (an empty list, kept, when it has none yet). */
  outputHooks(nr: number): GradHook[] {
    let list = this.hooks.get(nr);
    if (!list) this.hooks.set(nr, (list = []));
    return list;
  }
}
