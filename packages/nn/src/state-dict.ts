import { Tensor, ValueError } from "@tsgrad/core";

/** A module's state: parameter and persistent-buffer tensors keyed by PyTorch-style names. */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Fail on any missing, unexpected or wrongly shaped key (default true). */
  strict?: boolean;
}

/** What `Module.loadStateDict` did not load, by key. */
export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks. */
  missingKeys: string[];
  /** Keys in the state dict that the module does not have. */
  unexpectedKeys: string[];
  /** Keys present in both whose shapes differ (left unchanged in non-strict mode). */
  mismatchedKeys: string[];
}

const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;
const quote = (keys: readonly string[]): string => keys.map((k) => `"${k}"`).join(", ");

/**
 * Matches a state dict against a module's `targets` (key → its own tensor): which keys are
 * missing, unexpected or of the wrong shape, and which (target, source) pairs to copy. In strict
 * mode any problem throws a `ValueError` listing every offending key, like PyTorch's
 * `Error(s) in loading state_dict for ConvNet1: ...`.
 */
export function planStateDictLoad(
  moduleName: string,
  targets: readonly (readonly [string, Tensor])[],
  stateDict: StateDict | ReadonlyMap<string, Tensor>,
  strict: boolean,
): { result: LoadStateDictResult; copies: [Tensor, Tensor][] } {
  const given: ReadonlyMap<string, unknown> =
    stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
  const result: LoadStateDictResult = { missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] };
  const sizeErrors: string[] = [];
  const copies: [Tensor, Tensor][] = [];
  for (const [key, target] of targets) {
    const src = given.get(key);
    if (src === undefined) {
      result.missingKeys.push(key);
    } else if (!(src instanceof Tensor)) {
      throw new ValueError(`loadStateDict: the value for '${key}' is not a Tensor`);
    } else if (fmt(src.shape) !== fmt(target.shape)) {
      result.mismatchedKeys.push(key);
      sizeErrors.push(
        `size mismatch for ${key}: copying a param with shape ${fmt(src.shape)} from ` +
          `checkpoint, the shape in current model is ${fmt(target.shape)}.`,
      );
    } else {
      copies.push([target, src]);
    }
  }
  const known = new Set(targets.map(([k]) => k));
  result.unexpectedKeys = [...given.keys()].filter((k) => !known.has(k));
  const lines = [
    ...(result.missingKeys.length > 0
      ? [`Missing key(s) in state_dict: ${quote(result.missingKeys)}.`]
      : []),
    ...(result.unexpectedKeys.length > 0
      ? [`Unexpected key(s) in state_dict: ${quote(result.unexpectedKeys)}.`]
      : []),
    ...sizeErrors,
  ];
  if (strict && lines.length > 0) {
    throw new ValueError(
      `loadStateDict: Error(s) in loading state_dict for ${moduleName}:\n\t${lines.join("\n\t")}`,
    );
  }
  return { result, copies };
}
