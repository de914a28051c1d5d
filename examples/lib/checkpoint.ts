/**
 * Training checkpoints as one safetensors file: the model's state dict under `model.*`, the
 * optimizer's tensors flattened as `optimizer.state.<param index>.<name>`, and everything else
 * (epoch, step, optimizer scalars and groups, scheduler state, RNG states, hyperparameters) as JSON
 * in `__metadata__`. Written atomically, so an interrupted save leaves the previous checkpoint.
 */
import { DataError, type GeneratorState, type Tensor } from "@tsgrad/core";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";
import type {
  BaseGroupOptions,
  OptimizerStateDict,
  SchedulerStateDict,
  StateValue,
} from "@tsgrad/optim";

/** What a checkpoint holds besides tensors. */
export interface CheckpointMeta {
  epoch: number;
  step: number;
  hyperparameters: Record<string, number | string>;
  scheduler: SchedulerStateDict;
  rng: { default: GeneratorState; loader: GeneratorState };
}

/** Everything needed to continue a run exactly. */
export interface Checkpoint<O extends BaseGroupOptions = BaseGroupOptions> extends CheckpointMeta {
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict<O>;
}

/** Writes a checkpoint to `path` (atomically). */
export function saveCheckpoint<O extends BaseGroupOptions>(
  path: string,
  ckpt: Checkpoint<O>,
): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(ckpt.model)) tensors[`model.${k}`] = t;
  const scalars: Record<string, Record<string, StateValue>> = {};
  for (const [index, state] of Object.entries(ckpt.optimizer.state)) {
    for (const [name, v] of Object.entries(state)) {
      if (v !== null && typeof v === "object") tensors[`optimizer.state.${index}.${name}`] = v;
      else (scalars[index] ??= {})[name] = v;
    }
  }
  const meta = {
    epoch: ckpt.epoch,
    step: ckpt.step,
    hyperparameters: ckpt.hyperparameters,
    scheduler: ckpt.scheduler,
    rng: ckpt.rng,
    optimizer: { paramGroups: ckpt.optimizer.paramGroups, scalars },
  };
  saveSafetensors(tensors, path, { tsgrad: JSON.stringify(meta) });
}

/** Reads a checkpoint written by `saveCheckpoint` for an optimizer with group options `O`. */
export function loadCheckpoint<O extends BaseGroupOptions>(path: string): Checkpoint<O> {
  const file = loadSafetensors(path);
  const raw = file.metadata?.["tsgrad"];
  if (raw === undefined) throw new DataError(`loadCheckpoint: '${path}' has no tsgrad metadata`);
  const meta = JSON.parse(raw) as CheckpointMeta & {
    optimizer: {
      paramGroups: OptimizerStateDict<O>["paramGroups"];
      scalars: Record<string, Record<string, StateValue>>;
    };
  };
  const model: Record<string, Tensor> = {};
  const state: Record<number, Record<string, StateValue>> = {};
  for (const [index, values] of Object.entries(meta.optimizer.scalars))
    state[Number(index)] = { ...values };
  for (const [key, t] of Object.entries(file.tensors)) {
    if (key.startsWith("model.")) model[key.slice("model.".length)] = t;
    const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(key);
    if (m) (state[Number(m[1])] ??= {})[m[2]!] = t;
  }
  const { epoch, step, hyperparameters, scheduler, rng } = meta;
  return {
    epoch,
    step,
    hyperparameters,
    scheduler,
    rng,
    model,
    optimizer: { state, paramGroups: meta.optimizer.paramGroups },
  };
}
