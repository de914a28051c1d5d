import {
  AutogradError,
  Tensor,
  defineFunction,
  isGradEnabled,
  type RemovableHandle,
} from "@tsgrad/core";

// Module hooks, as PyTorch 1.13's `Module.__call__` runs them: forward pre-hooks (which may
// replace the inputs), then `forward`, then forward hooks (which may replace the output). Full
// backward hooks wrap the tensor inputs and outputs in identity functions: the one on the outputs
// records their gradients, the one on the inputs calls the hooks once every input's gradient is
// known, and may replace those gradients.

// The hook types are written as methods so that their parameters compare bivariantly: a
// `Module<[Tensor], Tensor>` must stay assignable to `AnyModule` (`Module<unknown[], unknown>`).

/**
 * Runs before `forward` with its arguments; may return replacements: the whole argument list, or
 * one value for a one-argument `forward`.
 */
export type ForwardPreHook<M, In extends unknown[]> = {
  /** Called with the module and the arguments `forward` is about to get. */
  hook(module: M, inputs: In): In | In[number] | void;
}["hook"];

/** Runs after `forward` with its arguments and result; may return a replacement result. */
export type ForwardHook<M, In extends unknown[], Out> = {
  /** Called with the module, the arguments `forward` got and what it returned. */
  hook(module: M, inputs: In, output: Out): Out | void;
}["hook"];

/**
 * Runs when the gradients with respect to a module's inputs are computed: `gradInput` has one
 * entry per argument of `forward` (`null` for non-tensors and tensors that do not require grad),
 * `gradOutput` one per output (`null` for non-tensors). It may return a replacement `gradInput`
 * of the same length.
 */
export type FullBackwardHook<M> = {
  /** Called with the module and the gradients of its inputs and of its outputs. */
  hook(
    module: M,
    gradInput: readonly (Tensor | null)[],
    gradOutput: readonly (Tensor | null)[],
  ): readonly (Tensor | null)[] | void;
}["hook"];

type AnyPreHook = ForwardPreHook<unknown, unknown[]>;
type AnyForwardHook = ForwardHook<unknown, unknown[], unknown>;
type AnyBackwardHook = FullBackwardHook<unknown>;

/** A module's hooks, each kind in registration order. */
export class ModuleHooks {
  readonly forwardPre = new Map<number, AnyPreHook>();
  readonly forward = new Map<number, AnyForwardHook>();
  readonly backward = new Map<number, AnyBackwardHook>();

  /** Whether any hook is registered. */
  get any(): boolean {
    return this.forwardPre.size + this.forward.size + this.backward.size > 0;
  }
}

let nextId = 0;

/** Adds `hook` to `list`; the handle removes it. */
export function addHook<H>(list: Map<number, H>, hook: H): RemovableHandle {
  const id = nextId++;
  list.set(id, hook);
  return { remove: () => void list.delete(id) };
}

/** Calls `forward` on `inputs` with the module's hooks around it. */
export function callWithHooks(
  module: unknown,
  forward: (...inputs: unknown[]) => unknown,
  hooks: ModuleHooks,
  inputs: unknown[],
): unknown {
  let args = inputs;
  for (const hook of [...hooks.forwardPre.values()]) {
    const result = hook(module, args);
    if (result !== undefined) args = Array.isArray(result) ? result : [result];
  }
  const backward =
    hooks.backward.size > 0 ? new BackwardHookState(module, [...hooks.backward.values()]) : null;
  if (backward) args = backward.wrapInputs(args);
  let output = forward.apply(module, args);
  for (const hook of [...hooks.forward.values()]) {
    const result = hook(module, args, output);
    if (result !== undefined) output = result;
  }
  return backward ? backward.wrapOutputs(output) : output;
}

/** Positions of the tensors in `values`, and whether any requires grad (with grad mode on). */
function tensorsIn(values: readonly unknown[]): { index: number[]; tracked: boolean } {
  const index = values.flatMap((v, i) => (v instanceof Tensor ? [i] : []));
  const tracked = isGradEnabled() && index.some((i) => (values[i] as Tensor).requiresGrad);
  return { index, tracked };
}

/** An identity function over `tensors` whose backward passes the gradients through `onGrads`. */
function identity(
  name: string,
  tensors: readonly Tensor[],
  onGrads: (grads: readonly Tensor[]) => readonly (Tensor | null)[],
): Tensor[] {
  const fn = defineFunction({
    name,
    forward(ctx, ...xs: Tensor[]) {
      ctx.markNonDifferentiable(...xs.filter((x) => !x.requiresGrad));
      return xs;
    },
    backward(_ctx, ...grads: Tensor[]) {
      return onGrads(grads) as (Tensor | null)[];
    },
  });
  return fn.apply(...tensors);
}

/** One forward call's full backward hooks (PyTorch's `torch.utils.hooks.BackwardHook`). */
class BackwardHookState {
  #nInputs = 0;
  #inputIndex: number[] | null = null;
  #nOutputs = 0;
  #gradOutputs: (Tensor | null)[] | null = null;

  constructor(
    private readonly module: unknown,
    private readonly hooks: readonly AnyBackwardHook[],
  ) {}

  /** Routes the tensor inputs through an identity whose backward calls the hooks. */
  wrapInputs(args: unknown[]): unknown[] {
    this.#nInputs = args.length;
    const { index, tracked } = tensorsIn(args);
    if (!tracked) return args;
    this.#inputIndex = index;
    const wrapped = identity(
      "BackwardHookFunction",
      index.map((i) => args[i] as Tensor),
      // as in PyTorch, a float input that does not require grad gets the zeros the identity
      // function's backward received for it; other inputs get null
      (grads) => this.#onInputGrads(grads.map((g) => (g.dtype.startsWith("float") ? g : null))),
    );
    const out = [...args];
    index.forEach((i, k) => (out[i] = wrapped[k]));
    return out;
  }

  /** Routes the tensor outputs through an identity whose backward records their gradients. */
  wrapOutputs(output: unknown): unknown {
    const single = !Array.isArray(output);
    const values: unknown[] = single ? [output] : [...(output as unknown[])];
    this.#nOutputs = values.length;
    const { index, tracked } = tensorsIn(values);
    if (!tracked) return output;
    const wrapped = identity(
      "BackwardHookFunction",
      index.map((i) => values[i] as Tensor),
      (grads) => {
        this.#gradOutputs = this.#spread(index, grads, this.#nOutputs);
        if (this.#inputIndex === null) this.#callWithoutInputGrads();
        return grads;
      },
    );
    index.forEach((i, k) => (values[i] = wrapped[k]));
    return single ? values[0] : values;
  }

  #spread(
    index: readonly number[],
    grads: readonly (Tensor | null)[],
    n: number,
  ): (Tensor | null)[] {
    const out: (Tensor | null)[] = new Array<Tensor | null>(n).fill(null);
    index.forEach((i, k) => (out[i] = grads[k] ?? null));
    return out;
  }

  #onInputGrads(grads: readonly (Tensor | null)[]): (Tensor | null)[] {
    // the gradient reached the inputs without passing the outputs (e.g. double backward)
    if (this.#gradOutputs === null) return [...grads];
    const index = this.#inputIndex!;
    let gradInput: readonly (Tensor | null)[] = this.#spread(index, grads, this.#nInputs);
    for (const hook of this.hooks) {
      const result = hook(this.module, gradInput, this.#gradOutputs);
      if (result === undefined) continue;
      if (result.length !== gradInput.length) {
        throw new AutogradError(
          `backward hook returned ${result.length} gradients but the module's forward takes ${gradInput.length} arguments`,
        );
      }
      gradInput = result;
    }
    this.#gradOutputs = null;
    return index.map((i) => gradInput[i] ?? null);
  }

  /** No input requires grad: the hooks run when the outputs' gradients arrive. */
  #callWithoutInputGrads(): void {
    const gradInput = new Array<Tensor | null>(this.#nInputs).fill(null);
    for (const hook of this.hooks) {
      const result = hook(this.module, gradInput, this.#gradOutputs!);
      if (result !== undefined && result.some((g) => g !== null)) {
        throw new AutogradError(
          "backward hook of a module where no input requires grad must return nothing (or only nulls)",
        );
      }
    }
    this.#gradOutputs = null;
  }
}
