import type { Node } from "../autograd/node.js";
import { isFloating, type TypedArray } from "../dtype.js";
import { AnomalyError, fmtShape, type AnomalyReport } from "../errors.js";
import type { Tensor } from "../tensor.js";
import type { Scope } from "./observer.js";
import { userFrames } from "./source.js";

// Anomaly mode's checks. An op is blamed when its output holds a NaN that none of its inputs
// held, or an infinity while all its inputs were finite: the op that made the value, not the ones
// that passed it on (a NaN in the data, or a −∞ mask, is not an anomaly of the op that reads it).

interface Found {
  nan: boolean;
  inf: boolean;
}

function values(t: Tensor): TypedArray {
  const whole = t.offset === 0 && t.data.length === t.numel() && t.isContiguous();
  return whole ? t.data : t.dataSync();
}

function scan(t: Tensor | null | undefined): Found {
  const found = { nan: false, inf: false };
  if (!t || !isFloating(t.dtype)) return found;
  const data = values(t);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      // NaN − NaN and ±∞ − ±∞ are both NaN
      if (Number.isNaN(v)) found.nan = true;
      else found.inf = true;
      if (found.nan && found.inf) break;
    }
  }
  return found;
}

function anyOf(list: readonly Found[]): Found {
  return { nan: list.some((f) => f.nan), inf: list.some((f) => f.inf) };
}

/** What `out` newly holds given what the inputs held, or null if nothing new. */
function newValue(out: Found, had: Found): "NaN" | "Inf" | null {
  if (out.nan && !had.nan) return "NaN";
  if (out.inf && !had.nan && !had.inf) return "Inf";
  return null;
}

const describe = (t: Tensor | null | undefined): string =>
  t ? `${fmtShape(t.shape)} ${t.dtype}` : "none";

/** Throws if an op's output holds a NaN or Inf its inputs did not. */
export function checkOpOutputs(
  op: string,
  inputs: readonly (Tensor | null)[],
  outputs: readonly Tensor[],
  scopes: readonly Scope[],
): void {
  for (const out of outputs) {
    // a view or an in-place result shares its input's memory and makes no new values
    if (inputs.some((t) => t !== null && t.storage === out.storage)) continue;
    const found = scan(out);
    if (!found.nan && !found.inf) continue;
    const value = newValue(found, anyOf(inputs.map(scan)));
    if (value === null) continue;
    const shown = inputs.map(describe).join(", ");
    throw anomaly(`${op} produced ${value} from inputs ${shown}`, op, value, inputs, scopes);
  }
}

/** Throws if a backward rule returned a gradient with a NaN or Inf its incoming gradients lacked. */
export function checkRuleOutputs(
  node: Node,
  grads: readonly Tensor[],
  inGrads: readonly (Tensor | null | undefined)[],
  scopes: readonly Scope[],
): void {
  const had = anyOf(grads.map(scan));
  inGrads.forEach((g, i) => {
    const value = newValue(scan(g), had);
    if (value === null) return;
    const shown = grads.map(describe).join(", ");
    const what = `the backward of ${node.name} returned ${value} in the gradient of input ${i} (its output gradients: ${shown})`;
    throw anomaly(what, node.name, value, node.inputs, scopes);
  });
}

function anomaly(
  what: string,
  op: string,
  value: "NaN" | "Inf",
  inputs: readonly (Tensor | null)[],
  scopes: readonly Scope[],
): AnomalyError {
  // the innermost backward rule running, and the ops entered since
  let rule: Node | null = null;
  let enclosing: string[] = [];
  let backwardPass = false;
  for (const s of scopes) {
    if (s.kind === "inside") enclosing.push(s.op);
    else {
      backwardPass = true;
      if (s.kind === "rule") {
        rule = s.node;
        enclosing = [];
      }
    }
  }
  // the user's frames; all of them when none can be told apart (a runtime without V8's format)
  const stack = rule?.creationStack ?? null;
  const user = stack === null ? [] : userFrames(stack);
  const frames = user.length > 0 ? user : stack === null ? [] : stack.split("\n");
  const report: AnomalyReport = {
    op,
    value,
    phase: backwardPass ? "backward" : "forward",
    inputShapes: inputs.map((t) => (t ? t.shape : null)),
    enclosing,
    forwardOp: rule?.name ?? null,
    forwardStack: frames.length > 0 ? frames.join("\n") : null,
  };
  let message = `anomaly mode: ${what}`;
  if (enclosing.length > 0) message += `, inside ${enclosing.join(" > ")}`;
  if (!rule) {
    message += backwardPass ? ", in the backward pass" : ", in the forward pass";
  } else if (rule.name !== op || enclosing.length > 0) {
    message += `, in the backward of ${rule.name}`;
  }
  if (rule) {
    message += report.forwardStack
      ? `. The forward ${rule.name} was created at:\n${report.forwardStack}`
      : `. Where the forward ${rule.name} was created is unknown: anomaly mode was off when it ran.`;
  }
  return new AnomalyError(message, report);
}
