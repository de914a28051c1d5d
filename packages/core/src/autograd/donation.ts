import type { TypedArray } from "../dtype.js";
import type { Storage } from "../storage.js";
import type { Tensor } from "../tensor.js";

// Gradient buffers the engine may hand on for reuse. A backward pass makes a fresh full-size
// gradient at almost every node (the convnet's step: ≈ 25 MB of its ≈ 51 MB of kernel results),
// and most of them die as soon as the next rule has read them. Some rules could write their result
// over the gradient they were given instead of into a new buffer: relu's (`g` where y > 0) and
// batch norm's (one pass per element once its sums are known). Each new buffer costs page faults
// and drives V8's garbage collector, which on two cores competes with the worker threads.
//
// Reusing a gradient's memory is safe only while nothing else can see it, so two sides agree,
// within one walk of the graph (`inDonationScope`; marks never outlive it, so a gradient a walk
// hands to its caller, or one a recorded graph saved, is never reused by a later walk):
// - a built-in rule marks a gradient it returns as fresh (`markDonatable`): its storage was just
//   made by a kernel and nothing else holds it;
// - the engine offers a marked gradient to the next rule only if it was routed there and nowhere
//   else, as the whole of its storage, with no hook on that output (hooks, `retainGrad` and
//   `grad()`'s captured outputs hand the gradient to user code), no graph being recorded (a
//   recorded rule saves its gradients) and no debugger watching.
// A rule claims an offered gradient with `takeDonation`; one that does not claim it changes
// nothing. Results are the same bits either way (tested).

/** The walk under way: the storages its rules marked, and what the running rule is offered. */
interface Scope {
  readonly fresh: WeakSet<Storage>;
  offered: Set<Tensor>;
}

let scope: Scope | null = null;
let enabled = true;
let claimed = 0;

/** Runs one walk of the graph: gradients marked during it are reusable only during it. */
export function inDonationScope<T>(walk: () => T): T {
  const outer = scope;
  scope = { fresh: new WeakSet(), offered: new Set() };
  try {
    return walk();
  } finally {
    scope = outer;
  }
}

/** Marks `t`, a gradient a built-in rule just computed into a storage of its own, as reusable. */
export function markDonatable(t: Tensor): Tensor {
  scope?.fresh.add(t.storage);
  return t;
}

/** Whether `t`'s storage was marked by {@link markDonatable} in the walk under way. */
export function isDonatable(t: Tensor): boolean {
  return scope?.fresh.has(t.storage) ?? false;
}

/** Whether `t` spans its whole storage in order (so writing its storage writes only `t`). */
export function spansStorage(t: Tensor): boolean {
  return t.offset === 0 && t.isContiguous() && t.numel() === t.storage.data.length;
}

/** Runs a rule with `gradients` offered to it for reuse (none while donation is off). */
export function withOffers<T>(gradients: readonly Tensor[], rule: () => T): T {
  const s = scope;
  if (!enabled || s === null || gradients.length === 0) return rule();
  s.offered = new Set(gradients);
  try {
    return rule();
  } finally {
    s.offered = new Set();
  }
}

/**
 * The memory of `g` for the calling rule to write its result into, if the engine offered `g` to
 * it; else undefined. `g` must not be read after the kernel that writes there has run.
 */
export function takeDonation(g: Tensor): TypedArray | undefined {
  if (scope === null || !scope.offered.delete(g)) return undefined;
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
