import { AutogradError } from "../errors.js";
import type { Tensor } from "../tensor.js";
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
 * Attaches `out` to the graph if grad mode is on and any input requires grad. Ops call this right
 * after computing their output, with the backward rule written beside the forward.
 */
export function recordOp(
  name: string,
  inputs: readonly (Tensor | null)[],
  out: Tensor,
  rule: BackwardRule,
): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t?.requiresGrad)) return out;
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
  return out;
}
