import type { TypedArray } from "../dtype.js";
import type { Storage } from "../storage.js";
import type { Tensor } from "../tensor.js";
import { isGradEnabled } from "./grad-mode.js";

// Gradient buffers the engine may hand on for reuse. A backward pass makes a fresh full-size
// gradient at almost every node (the convnet's step: ≈ 25 MB of its ≈ 51 MB of kernel results),
// and most of them die as soon as the next rule has read them. Some rules could write their result
// over the gradient they were given instead of into a new buffer: relu's (`g` where y > 0) and
// batch norm's (one pass per element once its sums are known). Each new buffer costs page faults
// and drives V8's garbage collector, which on two cores competes with the worker threads.
//
// Reusing a gradient's memory is safe only while nothing else can see it, so two sides agree:
// - a built-in rule marks a gradient it returns as fresh (`markDonatable`): its storage was just
//   made by a kernel and nothing else holds it (only in passes that record no graph, whose nodes
//   could save it);
// - the engine offers a marked gradient to the next rule only if it was routed there and nowhere
//   else, as the whole of its storage, with no hook on that output (hooks, `retainGrad` and
//   `grad()`'s captured outputs hand the gradient to user code), no graph being recorded (a
//   recorded rule saves its gradients) and no debugger watching.
// A rule claims an offered gradient with `takeDonation`; one that does not claim it changes
// nothing. Results are the same bits either way (tested).

const fresh = new WeakSet<Storage>();
let offered: ReadonlySet<Tensor> | null = null;
let enabled = true;
let claimed = 0;

/**
 * Marks `t`, a gradient a built-in rule just computed into a storage of its own, as reusable.
 * Only in a pass that records nothing: a gradient made while a graph is recorded may be saved by
 * that graph's nodes, and a later pass over it must find it unchanged.
 */
export function markDonatable(t: Tensor): Tensor {
  if (!isGradEnabled()) fresh.add(t.storage);
  return t;
}

/** Whether `t`'s storage was marked by {@link markDonatable}. */
export function isDonatable(t: Tensor): boolean {
  return fresh.has(t.storage);
}

/** Whether `t` spans its whole storage in order (so writing its storage writes only `t`). */
export function spansStorage(t: Tensor): boolean {
  return t.offset === 0 && t.isContiguous() && t.numel() === t.storage.data.length;
}

/** Runs a rule with `gradients` offered to it for reuse (none while donation is off). */
export function withOffers<T>(gradients: readonly Tensor[], rule: () => T): T {
  if (!enabled || gradients.length === 0) return rule();
  const outer = offered;
  offered = new Set(gradients);
  try {
    return rule();
  } finally {
    offered = outer;
  }
}

/**
 * The memory of `g` for the calling rule to write its result into, if the engine offered `g` to
 * it; else undefined. `g` must not be read after the kernel that writes there has run.
 */
export function takeDonation(g: Tensor): TypedArray | undefined {
  if (offered === null || !offered.has(g)) return undefined;
  offered = new Set([...offered].filter((t) => t !== g));
  claimed++;
  return g.data;
}

/**
 * @internal Turns gradient donation on or off (tests compare the two) and returns how many
 * gradients rules have claimed so far.
 */
export function gradientDonation(on?: boolean): number {
  if (on !== undefined) enabled = on;
  return claimed;
}
