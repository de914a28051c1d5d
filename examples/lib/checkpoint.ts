/**
 * Training checkpoints as one safetensors file: the model's state dict under `model.*`, the
 * optimizer's tensors flattened as `optimizer.state.<param index>.<name>`, and everything else
 * (epoch, step, optimizer scalars and groups, scheduler state, RNG states, and the caller's `run`
 * record — configuration and metrics) as JSON in `__metadata__`.
 */
import { DataError, type GeneratorState, type Tensor } from "@tsgrad/core";
import { parseSafetensors, serializeSafetensors } from "@tsgrad/nn";
import type {
  BaseGroupOptions,
  OptimizerStateDict,
  SchedulerStateDict,
  StateValue,
} from "@tsgrad/optim";

/** What a checkpoint holds besides tensors; `R` is the caller's record of the run. */
export interface CheckpointMeta<R> {
  epoch: number;
  step: number;
  run: R;
  scheduler: SchedulerStateDict;
  rng: { default: GeneratorState; loader: GeneratorState };
}

/** Everything needed to continue a run exactly. */
export interface Checkpoint<
  R,
  O extends BaseGroupOptions = BaseGroupOptions,
> extends CheckpointMeta<R> {
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict<O>;
}

interface StoredMeta<R, O extends BaseGroupOptions> extends CheckpointMeta<R> {
  optimizer: {
    paramGroups: OptimizerStateDict<O>["paramGroups"];
    scalars: Record<string, Record<string, StateValue>>;
  };
}

/** Encodes a checkpoint as safetensors bytes (write them with `writeFileAtomic`). */
export function checkpointBytes<R, O extends BaseGroupOptions>(ckpt: Checkpoint<R, O>): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(ckpt.model)) tensors[`model.${k}`] = t;
  const scalars: Record<string, Record<string, StateValue>> = {};
  for (const [index, state] of Object.entries(ckpt.optimizer.state)) {
    for (const [name, v] of Object.entries(state)) {
      if (v !== null && typeof v === "object") tensors[`optimizer.state.${index}.${name}`] = v;
      else (scalars[index] ??= {})[name] = v;
    }
  }
  const meta: StoredMeta<R, O> = {
    epoch: ckpt.epoch,
    step: ckpt.step,
    run: ckpt.run,
    scheduler: ckpt.scheduler,
    rng: ckpt.rng,
    optimizer: { paramGroups: ckpt.optimizer.paramGroups, scalars },
  };
  return serializeSafetensors(tensors, { tsgrad: JSON.stringify(meta) });
}

/**
 * Decodes a checkpoint from `checkpointBytes` for an optimizer with group options `O`; `readRun`
 * checks the run record (and throws if it is not one). `DataError` when the bytes are not such a
 * checkpoint; `name` says which file in messages.
 */
export function parseCheckpoint<R, O extends BaseGroupOptions>(
  bytes: Uint8Array,
  name: string,
  readRun: (run: unknown) => R,
): Checkpoint<R, O> {
  const file = parseSafetensors(bytes, name);
  const raw = file.metadata["tsgrad"];
  if (raw === undefined) throw new DataError(`${name} is not a tsgrad training checkpoint`);
  let meta: StoredMeta<unknown, O>;
  try {
    meta = JSON.parse(raw) as StoredMeta<unknown, O>;
  } catch (e) {
    throw new DataError(`${name}: its metadata is not valid JSON (${(e as Error).message})`);
  }
  const ok =
    Number.isInteger(meta.epoch) &&
    Number.isInteger(meta.step) &&
    typeof meta.scheduler === "object" &&
    typeof meta.rng?.default === "object" &&
    typeof meta.rng?.loader === "object" &&
    Array.isArray(meta.optimizer?.paramGroups);
  if (!ok) throw new DataError(`${name}: the checkpoint's metadata is incomplete`);
  const model: Record<string, Tensor> = {};
  const state: Record<number, Record<string, StateValue>> = {};
  for (const [index, values] of Object.entries(meta.optimizer.scalars ?? {}))
    state[Number(index)] = { ...values };
  for (const [key, t] of Object.entries(file.tensors)) {
    if (key.startsWith("model.")) model[key.slice("model.".length)] = t;
    const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(key);
    if (m) (state[Number(m[1])] ??= {})[m[2]!] = t;
  }
  const { epoch, step, scheduler, rng } = meta;
  return {
    epoch,
    step,
    run: readRun(meta.run),
    scheduler,
    rng,
    model,
    optimizer: { state, paramGroups: meta.optimizer.paramGroups },
  };
}
