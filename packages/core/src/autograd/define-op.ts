import { AutogradError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { NO_ATTRS, debugMode, observeOp, type OpAttrs } from "../debug/observer.js";
import { isGradEnabled } from "./grad-mode.js";
import { Node } from "./node.js";

/** What a backward rule may read: the op's inputs and output, checked against in-place edits. */
export interface BackwardContext {
  /** The i-th input as it was at forward time (throws if it was modified in place since). */
  input(i: number): Tensor;
  /** The op's output (throws if it was modified in place since). */
  out(): Tensor;
}

/** A backward rule: gradients for each input, written with differentiable tsgrad ops. */
export type BackwardRule = (grad: Tensor, ctx: BackwardContext) => (Tensor | null)[];

/** Throws the loud error PyTorch gives when a saved tensor changed before backward. */
export function checkVersion(op: string, t: Tensor, version: number, what: string): Tensor {
  if (t.storage.version !== version) {
    throw new AutogradError(
      `${op} backward: ${what} (shape [${t.shape.join(", ")}]) needed for gradient computation ` +
        `was modified by an in-place operation (version ${t.storage.version}, expected ${version}). ` +
        "Use an out-of-place op or clone() it first.",
    );
  }
  return t;
}

/**
 * The one place every op passes through after computing its output. If grad mode is on, `rule` is
 * given and an input requires grad, it attaches `out` to the graph with the backward rule written
 * beside the forward. It also reports the op to `trace` and anomaly mode when they are on (one
 * flag check otherwise), so ops without a gradient (comparisons, casts to int, in-place updates)
 * pass `null` as `rule` and still call it. `attrs` are the op's non-tensor arguments, for a
 * printed graph. An op with several outputs passes them as an array: only the first (values, say,
 * beside their indices) is differentiable.
 */
export function recordOp(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: Tensor,
  rule: BackwardRule | null,
  attrs?: OpAttrs,
): Tensor;
export function recordOp<const O extends readonly Tensor[]>(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: O,
  rule: BackwardRule | null,
  attrs?: OpAttrs,
): O;
export function recordOp(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: Tensor | readonly Tensor[],
  rule: BackwardRule | null,
  attrs: OpAttrs = NO_ATTRS,
): Tensor | readonly Tensor[] {
  if (rule !== null && isGradEnabled() && inputs.some((t) => t?.requiresGrad)) {
    attach(name, inputs, isList(out) ? out[0]! : out, rule);
  }
  if (debugMode.on) observeOp(name, inputs, isList(out) ? out : [out], attrs);
  return out;
}

function isList(out: Tensor | readonly Tensor[]): out is readonly Tensor[] {
  return Array.isArray(out);
}

function attach(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: Tensor,
  rule: BackwardRule,
): void {
  const versions = inputs.map((t) => t?.storage.version ?? 0);
  const outVersion = out.storage.version;
  const ctx: BackwardContext = {
    input: (i) => checkVersion(name, inputs[i]!, versions[i]!, `input ${i}`),
    out: () => checkVersion(name, out, outVersion, "its output"),
  };
  out.gradFn = new Node(name, inputs, (grads) => rule(grads[0]!, ctx), [
    { shape: out.shape, dtype: out.dtype },
  ]);
  out.outputNr = 0;
}
