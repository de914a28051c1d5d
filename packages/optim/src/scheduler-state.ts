import { ValueError } from "@tsgrad/core";

/** A value in a scheduler's state dict: plain data, no tensors or functions. */
export type SchedulerStateValue =
  number | string | boolean | null | SchedulerStateValue[] | { [key: string]: SchedulerStateValue };

/**
 * A scheduler's state, as PyTorch keeps it: every field of the scheduler except the optimizer
 * (counters, base learning rates, hyperparameters). NOTE: numbers may be ±Infinity (a plateau
 * scheduler's best value before its first step), which JSON cannot hold; `structuredClone` can.
 */
export type SchedulerStateDict = Record<string, SchedulerStateValue>;

function copy(v: SchedulerStateValue): SchedulerStateValue {
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === "object") {
    const out: Record<string, SchedulerStateValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x);
    return out;
  }
  return v;
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Every own field of `owner` except `optimizer`, deep-copied. */
export function schedulerState(owner: object): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(owner)) {
    if (k !== "optimizer") out[k] = copy(v as SchedulerStateValue);
  }
  return out;
}

/**
 * Writes a state dict from `schedulerState` back into `owner`, after checking that it came from a
 * scheduler of the same kind: every key must be a field of `owner` with a value of the same type.
 */
export function loadSchedulerState(owner: { readonly name: string }, sd: SchedulerStateDict): void {
  const own = owner as unknown as Record<string, unknown>;
  const where = `${owner.name}.loadStateDict`;
  if (sd.name !== undefined && sd.name !== owner.name) {
    throw new ValueError(`${where}: the state dict belongs to a ${String(sd.name)}`);
  }
  for (const [k, v] of Object.entries(sd)) {
    if (k === "optimizer" || !(k in own)) throw new ValueError(`${where}: unexpected key ${k}`);
    const [want, got] = [kind(own[k]), kind(v)];
    // PyTorch stores None in a few fields that later hold numbers (e.g. a plateau's best value).
    if (want !== got && want !== "null" && got !== "null") {
      throw new ValueError(`${where}: ${k} should be ${want}, got ${got}`);
    }
  }
  for (const [k, v] of Object.entries(sd)) if (k !== "name") own[k] = copy(v);
}
