import { Tensor, ValueError, noGrad, type RemovableHandle } from "@tsgrad/core";
import {
  ModuleHooks,
  addHook,
  callWithHooks,
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
} from "./hooks.js";
import { isArrayIndex, ownEntriesInOrder } from "./own-entries.js";
import { Parameter } from "./parameter.js";
import { addIndent } from "./repr.js";
import {
  planStateDictLoad,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
} from "./state-dict.js";

/** Any module, whatever its `forward` signature (the type used for children and `apply`). */
export type AnyModule = Module<unknown[], unknown>;

/** Options of the `named*` iterators. */
export interface NamedOptions {
  /** Prepended (with a dot) to every name. */
  prefix?: string;
  /** Include submodules' entries (default true). */
  recurse?: boolean;
}

const FIELD = { writable: true, enumerable: true, configurable: true } as const;
const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * Base class of all layers and models (PyTorch's `nn.Module`). Subclasses declare their
 * parameters (`Parameter`) and submodules (`Module`) as class fields; they are discovered by
 * walking the module's own enumerable properties, so names and order follow the declaration order
 * (fields assigned in the constructor body count at their declaration). Buffers — non-trained
 * state such as BatchNorm's running statistics — are registered with `registerBuffer`, as in
 * PyTorch. A property holding `null` (e.g. `bias` of a layer built with `bias: false`) is skipped.
 *
 * `In` is the tuple of `forward`'s arguments and `Out` its result, so multi-input modules (losses)
 * stay typed: `class MSELoss extends Module<[Tensor, Tensor]>`. Modules are called with
 * `model.forward(x)`.
 *
 * NOTE: tensors or modules kept in plain arrays or maps are not discovered; use `ModuleList`,
 * `Sequential` or `registerModule` / `registerParameter`.
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (the default); set for the whole tree by `train()` / `eval()`. */
  training = true;
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #nonPersistent = new Set<string>();
  readonly #anchors = new Map<string, number>();
  readonly #hooks = new ModuleHooks();

  /**
   * The computation of this module. Once a hook is registered, calling `forward` runs the hooks
   * around it, as calling a module does in PyTorch.
   */
  abstract forward(...inputs: In): Out;

  // ---- hooks ----------------------------------------------------------------------------------

  /**
   * Registers `hook(module, inputs)` to run before every `forward` call; it may return new inputs
   * (the whole argument list, or one value for a one-argument `forward`). Pre-hooks run in
   * registration order, each seeing the previous one's inputs (PyTorch's
   * `register_forward_pre_hook`).
   */
  registerForwardPreHook(hook: ForwardPreHook<this, In>): RemovableHandle {
    return this.#addHook(this.#hooks.forwardPre, hook);
  }

  /**
   * Registers `hook(module, inputs, output)` to run after every `forward` call; it may return a
   * new output. Hooks run in registration order, after the pre-hooks, and see the inputs
   * `forward` received (PyTorch's `register_forward_hook`).
   */
  registerForwardHook(hook: ForwardHook<this, In, Out>): RemovableHandle {
    return this.#addHook(this.#hooks.forward, hook);
  }

  /**
   * Registers `hook(module, gradInput, gradOutput)` to run when the gradients with respect to
   * this module's inputs have been computed, for a module whose `forward` takes and returns
   * tensors (PyTorch's `register_full_backward_hook`). `gradInput` has one entry per argument of
   * `forward` (`null` for a non-tensor or a tensor that does not require grad), `gradOutput` one
   * per output. It may return a replacement `gradInput`, which flows on to earlier layers; hooks
   * run in registration order, each seeing the previous one's result. When no input requires
   * grad, hooks run with `gradInput` all `null` and may not replace it.
   * NOTE: `forward`'s tensor inputs and outputs pass through an identity function each call
   * (`BackwardHookFunction` in a trace), as in PyTorch.
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    return this.#addHook(this.#hooks.backward, hook);
  }

  #addHook<H>(list: Map<number, H>, hook: H): RemovableHandle {
    if (typeof hook !== "function") throw new ValueError("register*Hook: hook must be a function");
    if (!this.#hooks.any) {
      // from now on `forward` runs the hooks: an own, non-enumerable property over the method
      const forward = this.forward as (...inputs: unknown[]) => unknown;
      const hooks = this.#hooks;
      const hooked = (...inputs: unknown[]): unknown =>
        hooks.any ? callWithHooks(this, forward, hooks, inputs) : forward.apply(this, inputs);
      Object.defineProperty(this, "forward", { value: hooked, writable: true, configurable: true });
    }
    return addHook(list, hook);
  }

  // ---- registration ---------------------------------------------------------------------------

  /**
   * Registers a buffer: state that is not trained but belongs to the module, such as running
   * statistics. Persistent buffers are part of `stateDict()`; `null` registers the name with no
   * tensor (skipped everywhere). Registering an existing buffer name replaces its tensor.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this.#checkName("registerBuffer", name, !this.#buffers.has(name));
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new ValueError(`registerBuffer: buffer '${name}' must be a Tensor or null`);
    }
    this.#buffers.set(name, tensor);
    if (persistent) this.#nonPersistent.delete(name);
    else this.#nonPersistent.add(name);
  }

  /** The tensor of a registered buffer (`null` if registered as `null`); throws if unknown. */
  getBuffer(name: string): Tensor | null {
    const t = this.#buffers.get(name);
    if (t === undefined) {
      throw new ValueError(`getBuffer: ${this.constructor.name} has no buffer '${name}'`);
    }
    return t;
  }

  /** Adds a parameter under a computed name (fields are the usual way; this is for loops). */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new ValueError(`registerParameter: '${name}' must be a Parameter or null`);
    }
    this.#define("registerParameter", name, param);
  }

  /** Adds a submodule under a computed name (PyTorch's `add_module`). */
  registerModule(name: string, module: AnyModule | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new ValueError(`registerModule: '${name}' must be a Module or null`);
    }
    this.#define("registerModule", name, module);
  }

  #define(op: string, name: string, value: unknown): void {
    const own = Object.prototype.hasOwnProperty.call(this, name);
    const old: unknown = own ? Reflect.get(this, name) : undefined;
    // an own field may be (re)assigned if it is empty or already holds a module or tensor
    const slot = own && ((old ?? null) === null || old instanceof Module || old instanceof Tensor);
    this.#checkName(op, name, !slot);
    if (!own && isArrayIndex(name))
      this.#anchors.set(name, Object.keys(this).length - this.#anchors.size);
    Object.defineProperty(this, name, { ...FIELD, value });
  }

  #checkName(op: string, name: string, mustBeFree: boolean): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new ValueError(`${op}: name must be a non-empty string without '.', got '${name}'`);
    }
    if (mustBeFree && (name in this || this.#buffers.has(name))) {
      throw new ValueError(`${op}: attribute '${name}' already exists on ${this.constructor.name}`);
    }
  }

  // ---- discovery ------------------------------------------------------------------------------

  #ownParameters(): [string, Parameter][] {
    return ownEntriesInOrder(this, this.#anchors).filter(
      (e): e is [string, Parameter] => e[1] instanceof Parameter,
    );
  }

  #ownBuffers(persistentOnly: boolean): [string, Tensor][] {
    return [...this.#buffers].filter(
      (e): e is [string, Tensor] =>
        e[1] !== null && !(persistentOnly && this.#nonPersistent.has(e[0])),
    );
  }

  #ownChildren(): [string, AnyModule][] {
    return ownEntriesInOrder(this, this.#anchors).filter(
      (e): e is [string, AnyModule] => e[1] instanceof Module,
    );
  }

  /** Direct submodules with their names (each module once). */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    return this.#ownChildren().filter(([, m]) => !seen.has(m) && !!seen.add(m));
  }

  /** Direct submodules. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all its descendants with dotted names (`""` for this one), each once. */
  namedModules(prefix = "", memo: Set<AnyModule> = new Set()): [string, AnyModule][] {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: [string, AnyModule][] = [[prefix, this]];
    for (const [name, child] of this.#ownChildren()) {
      out.push(...child.namedModules(join(prefix, name), memo));
    }
    return out;
  }

  /** This module and all its descendants, each once. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  #named<T extends Tensor>(
    options: NamedOptions,
    own: (m: AnyModule) => [string, T][],
  ): [string, T][] {
    const prefix = options.prefix ?? "";
    const mods: [string, AnyModule][] =
      (options.recurse ?? true) ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<T>();
    const out: [string, T][] = [];
    for (const [mp, m] of mods) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([join(mp, name), t]);
      }
    }
    return out;
  }

  /** Parameters with dotted names (`conv1.weight`), in declaration order, each once. */
  namedParameters(options: NamedOptions = {}): [string, Parameter][] {
    return this.#named(options, (m) => m.#ownParameters());
  }

  /** All parameters (what an optimizer trains), each once. */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /** Buffers (persistent or not) with dotted names, each once. */
  namedBuffers(options: NamedOptions = {}): [string, Tensor][] {
    return this.#named(options, (m) => m.#ownBuffers(false));
  }

  /** All buffers, each once. */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  // ---- modes and gradients --------------------------------------------------------------------

  /** Sets training mode (`true`, the default) or evaluation mode on this module and all below. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)` (BatchNorm uses running statistics, Dropout is off). */
  eval(): this {
    return this.train(false);
  }

  /** Resets the gradients of all parameters: to `null` (default), or to zeros in place. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (options.setToNone ?? true) {
        p.grad = null;
      } else {
        const g = p.grad.detach();
        noGrad(() => g.zero_());
        p.grad = g;
      }
    }
  }

  /** Calls `fn` on every submodule (children first) and then on this module. Returns `this`. */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- state ----------------------------------------------------------------------------------

  #collectState(prefix: string, out: [string, Tensor][]): void {
    for (const [name, p] of this.#ownParameters()) out.push([prefix + name, p]);
    for (const [name, b] of this.#ownBuffers(true)) out.push([prefix + name, b]);
    for (const [name, child] of this.#ownChildren()) child.#collectState(`${prefix}${name}.`, out);
  }

  /**
   * Parameters and persistent buffers keyed by PyTorch's names (`conv1.weight`,
   * `batch1.running_mean`, ...). Values are detached tensors sharing the module's storage, unless
   * `keepVars` returns the parameter objects themselves.
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const entries: [string, Tensor][] = [];
    this.#collectState(options.prefix ?? "", entries);
    return Object.fromEntries(
      options.keepVars ? entries : entries.map(([k, t]) => [k, t.detach()] as const),
    );
  }

  /**
   * Copies a state dict into this module's parameters and buffers, in place under `noGrad`
   * (values are cast to each target's dtype). Strict mode (default) checks everything first and
   * throws a `ValueError` naming every missing key, unexpected key and size mismatch, changing
   * nothing; non-strict mode loads what matches and returns the rest.
   *
   * NOTE: unlike PyTorch, non-strict mode also tolerates shape mismatches (reported in
   * `mismatchedKeys`, left unchanged) instead of raising.
   */
  loadStateDict(
    stateDict: StateDict | ReadonlyMap<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const own: [string, Tensor][] = [];
    this.#collectState("", own);
    const name = this.constructor.name;
    const { result, copies } = planStateDictLoad(name, own, stateDict, options.strict ?? true);
    noGrad(() => {
      for (const [target, src] of copies) target.copy_(src);
    });
    return result;
  }

  // ---- printing -------------------------------------------------------------------------------

  /** The module's own settings for `toString()` (PyTorch's `extra_repr`); empty by default. */
  extraRepr(): string {
    return "";
  }

  /** The module tree, printed like PyTorch's `repr(model)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split("\n") : [];
    const childLines = this.#ownChildren().map(
      ([name, m]) => `(${name}): ${addIndent(m.toString(), 2)}`,
    );
    const lines = [...extraLines, ...childLines];
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (extraLines.length === 1 && childLines.length === 0) return `${name}(${extra})`;
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }
}
