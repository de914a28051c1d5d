import type { Node } from "../autograd/node.js";
import type { Tensor } from "../tensor.js";
import { checkOpOutputs, checkRuleOutputs } from "./finite.js";
import { captureStack } from "./source.js";

// What `trace` and anomaly mode see. Every op reports itself at one place, `recordOp` (custom
// functions at theirs), with one check of `debugMode.on`; the engine marks where backward rules
// run. With both features off that check is all they cost.

/** An attribute value an op reports: what a printed graph shows as `stride=[1, 1]`. */
export type OpAttrValue = number | boolean | string | null | readonly number[];

/** The non-tensor arguments of an op (stride, padding, dims, ...), by name. */
export type OpAttrs = Readonly<Record<string, OpAttrValue>>;

/** No attributes. */
export const NO_ATTRS: OpAttrs = Object.freeze({});

/** One op that ran: its name, tensor inputs (`null` for an absent optional one), outputs, attributes. */
export interface OpEvent {
  /** The op's name, e.g. `conv2d`. */
  readonly name: string;
  /** Its tensor inputs in order (`null` for an absent optional one). */
  readonly inputs: readonly (Tensor | null)[];
  /** Its outputs (the first is the differentiable one). */
  readonly outputs: readonly Tensor[];
  /** Its non-tensor arguments. */
  readonly attrs: OpAttrs;
}

/**
 * Where an op runs: inside a primitive computed with other ops, or inside a custom function's
 * forward (`inside`); inside the backward rule of a graph node (`rule`); or elsewhere in a
 * backward pass, where the engine sums and reshapes gradients (`backward`).
 */
export type Scope =
  | { readonly kind: "inside"; readonly op: string }
  | { readonly kind: "rule"; readonly node: Node }
  | { readonly kind: "backward" };

/** What `trace` installs to be told about every op. */
export interface OpRecorder {
  /** Called after each op, with the scopes it ran in (outermost first). */
  op(event: OpEvent, scopes: readonly Scope[]): void;
}

/** True while `trace` or anomaly mode is on: the one flag the hot paths check. */
export const debugMode = { on: false };

let recorder: OpRecorder | null = null;
let anomaly = false;
const scopes: Scope[] = [];

function refresh(): void {
  debugMode.on = recorder !== null || anomaly;
}

/** The recorder `trace` installed, or null. */
export function currentRecorder(): OpRecorder | null {
  return recorder;
}

/** Installs (or, with null, removes) the recorder. */
export function setRecorder(r: OpRecorder | null): void {
  recorder = r;
  refresh();
}

/** Whether anomaly mode is on. */
export function anomalyMode(): boolean {
  return anomaly;
}

/** Turns anomaly mode on or off. */
export function setAnomalyMode(on: boolean): void {
  anomaly = on;
  refresh();
}

/** Reports an op that ran (call only when `debugMode.on`). */
export function observeOp(
  name: string,
  inputs: readonly (Tensor | null)[],
  outputs: readonly Tensor[],
  attrs: OpAttrs,
): void {
  if (anomaly) {
    checkOpOutputs(name, inputs, outputs, scopes);
    for (const t of outputs) {
      const node = t.gradFn;
      if (node && node.creationStack === null) node.creationStack = captureStack();
    }
  }
  recorder?.op({ name, inputs, outputs, attrs }, scopes);
}

function withScope<T>(scope: Scope, fn: () => T): T {
  scopes.push(scope);
  try {
    return fn();
  } finally {
    scopes.pop();
  }
}

/**
 * Runs `fn`, the forward of `op` written with other ops: a trace shows `op` alone, and anomaly
 * mode names the inner op that made a NaN "inside" `op`.
 */
export function inside<T>(op: string, fn: () => T): T {
  return debugMode.on ? withScope({ kind: "inside", op }, fn) : fn();
}

/** Runs `fn`, a whole backward pass: the ops it runs are marked as backward ones. */
export function backwardPass<T>(fn: () => T): T {
  return debugMode.on ? withScope({ kind: "backward" }, fn) : fn();
}

/**
 * Runs `node`'s backward rule on `grads` (call only when `debugMode.on`); in anomaly mode, also
 * checks the gradients it returns.
 */
export function runRule(
  node: Node,
  rule: (grads: readonly Tensor[]) => readonly (Tensor | null | undefined)[],
  grads: readonly Tensor[],
): readonly (Tensor | null | undefined)[] {
  return withScope({ kind: "rule", node }, () => {
    const inGrads = rule(grads);
    if (anomaly) checkRuleOutputs(node, grads, inGrads, scopes);
    return inGrads;
  });
}
