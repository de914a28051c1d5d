import { Tensor, ValueError, enableGrad, noGrad } from "@tsgrad/core";
import { fmtShapeOf } from "./util.js";

/** One entry of an optimizer's per-parameter state: a tensor, a count, or an unset buffer. */
export type StateValue = Tensor | number | null;

/** The state an optimizer keeps for one parameter (e.g. Adam's `step`, `expAvg`, `expAvgSq`). */
export type ParamState = Record<string, StateValue>;

/** Options every optimizer has. */
export interface BaseGroupOptions {
  /** Learning rate. */
  lr: number;
}

/**
 * Bookkeeping the LR schedulers store in each parameter group, as PyTorch does (`initial_lr`,
 * `max_lr`, ...). Absent until a scheduler sets them.
 */
export interface ScheduleFields {
  /** The `lr` a scheduler started from. */
  initialLr?: number;
  /** `OneCycleLR`'s peak learning rate. */
  maxLr?: number;
  /** `OneCycleLR`'s final learning rate. */
  minLr?: number;
  /** `OneCycleLR`'s highest momentum (or β₁). */
  maxMomentum?: number;
  /** `OneCycleLR`'s lowest momentum (or β₁). */
  baseMomentum?: number;
}

/** A parameter group: its tensors plus every option of the optimizer, resolved. */
export type ParamGroup<O extends BaseGroupOptions = BaseGroupOptions> = O &
  ScheduleFields & {
    /** The group's parameters. */
    params: Tensor[];
  };

/** What a caller passes for one parameter group: tensors plus options overriding the defaults. */
export type ParamGroupInput<O extends BaseGroupOptions = BaseGroupOptions> = Partial<O> &
  ScheduleFields & {
    /** The group's parameters. */
    params: Iterable<Tensor> | Tensor;
  };

/** The parameters an optimizer is built on: tensors (one group) or parameter groups. */
export type Params<O extends BaseGroupOptions = BaseGroupOptions> =
  Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Defaults of an optimizer; `lr` may be missing when every group must give its own (SGD). */
export type GroupDefaults<O extends BaseGroupOptions> = Omit<O, "lr"> & {
  /** Default learning rate. */
  lr?: number;
};

/**
 * An optimizer's state in PyTorch's layout: per-parameter state keyed by the parameter's position
 * across all groups, and the groups' options with `params` replaced by those positions.
 */
export interface OptimizerStateDict<O extends BaseGroupOptions = BaseGroupOptions> {
  /** Per-parameter state, keyed by the parameter's position across all groups. */
  state: Record<number, ParamState>;
  /** Each group's options, with its parameters as positions. */
  paramGroups: (Omit<ParamGroup<O>, "params"> & {
    /** Positions of the group's parameters. */
    params: number[];
  })[];
}

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /** Drop the gradients (`grad = null`) instead of filling them with zeros (default true). */
  setToNone?: boolean;
}

/**
 * Base class of the optimizers. Holds the parameter groups (each a list of tensors plus the
 * optimizer's options, per-group values overriding the defaults) and per-parameter state;
 * subclasses say how to initialise a parameter's state and how to update one parameter. Updates
 * run in place under `noGrad`, so parameters stay the same leaf tensors.
 */
export abstract class Optimizer<
  O extends BaseGroupOptions = BaseGroupOptions,
  S extends ParamState = ParamState,
> {
  /** The parameter groups, in order. Schedulers change their `lr` (and momentum) in place. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first update. */
  readonly state = new Map<Tensor, S>();

  constructor(
    /** The optimizer's name, used in error messages. */
    readonly name: string,
    params: Params<O>,
    /** Option values for groups that do not set them. */
    readonly defaults: Readonly<GroupDefaults<O>>,
  ) {
    if (params instanceof Tensor) {
      throw new ValueError(
        `${name}: params should be an iterable of tensors or parameter groups, got a single tensor of shape ${fmtShapeOf(params)}`,
      );
    }
    const list = Array.from(params as Iterable<Tensor | ParamGroupInput<O>>);
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
    if (list.every((p) => p instanceof Tensor)) {
      this.addGroup(list, {});
      return;
    }
    for (const g of list) {
      if (g instanceof Tensor) {
        throw new ValueError(`${name}: params mixes tensors and parameter groups`);
      }
      this.addParamGroup(g);
    }
  }

  /** Checks one group's resolved options; throws a `ValueError` naming the optimizer and value. */
  protected abstract validate(group: O): void;
  /** Fresh state for a parameter about to be updated for the first time. */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): S;
  /** Updates one parameter in place (called under `noGrad`); `grad` is detached. */
  protected abstract update(param: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /**
   * Adds a parameter group (e.g. layers unfrozen during fine-tuning). Options it omits take the
   * optimizer's defaults. A tensor may belong to one group only.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const { params, ...options } = group;
    this.addGroup(params instanceof Tensor ? [params] : Array.from(params), options);
  }

  private addGroup(params: Tensor[], options: object): void {
    const index = this.paramGroups.length;
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new ValueError(`${this.name}: parameter group ${index} holds a non-tensor value`);
      }
      if (!p.isLeaf) {
        throw new ValueError(
          `${this.name}: cannot optimize a non-leaf tensor (shape ${fmtShapeOf(p)}) in parameter group ${index}`,
        );
      }
    }
    if (new Set(params).size !== params.length) {
      throw new ValueError(`${this.name}: parameter group ${index} lists a tensor twice`);
    }
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => taken.has(p))) {
      throw new ValueError(`${this.name}: some parameters appear in more than one parameter group`);
    }
    const resolved = copyOptions(this.defaults);
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) resolved[key] = copyOption(value);
    }
    if (typeof resolved.lr !== "number") {
      throw new ValueError(
        `${this.name}: parameter group ${index} did not specify a value of required option lr`,
      );
    }
    const full = { ...resolved, params } as unknown as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /**
   * Clears the gradients of all parameters: sets them to `null` (default), or fills them with
   * zeros when `setToNone` is false.
   */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else {
          const g = p.grad.detach();
          noGrad(() => g.zero_());
          p.grad = g;
        }
      }
    }
  }

  /**
   * Performs one update of every parameter that has a gradient. `closure`, when given, is run
   * first with grad mode on (it should recompute the loss and call `backward()`); its result is
   * returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) {
            s = this.initState(p, group);
            this.state.set(p, s);
          }
          this.update(p, p.grad.detach(), s, group);
        }
      }
    });
    return loss;
  }

  /**
   * The optimizer's state in PyTorch's layout (see `OptimizerStateDict`); tensors are cloned, so
   * later steps do not change a saved dict.
   */
  stateDict(): OptimizerStateDict<O> {
    const indexOf = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      for (const p of params) indexOf.set(p, indexOf.size);
      return { ...copyOptions(options), params: params.map((p) => indexOf.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = indexOf.get(p);
      if (i !== undefined) state[i] = cloneState(s);
    }
    return { state, paramGroups } as OptimizerStateDict<O>;
  }

  /**
   * Restores a state from `stateDict()`: the groups' options and the per-parameter state, mapped
   * onto this optimizer's parameters by position. The group structure must match.
   */
  loadStateDict(stateDict: OptimizerStateDict<O>): void {
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(
        `${this.name}.loadStateDict: the state dict has ${saved.length} parameter groups but the optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, gi) => {
      const own = this.paramGroups[gi]!.params;
      if (g.params.length !== own.length) {
        throw new ValueError(
          `${this.name}.loadStateDict: parameter group ${gi} has ${g.params.length} parameters in the state dict but ${own.length} in the optimizer`,
        );
      }
      g.params.forEach((id, k) => byIndex.set(id, own[k]!));
    });
    const state = new Map<Tensor, S>();
    for (const [key, s] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) {
        throw new ValueError(
          `${this.name}.loadStateDict: state for parameter ${key}, which no parameter group lists`,
        );
      }
      state.set(p, castState(this.name, key, s, p) as S);
    }
    saved.forEach((g, gi) => {
      const { params: _ids, ...options } = g;
      const group = { ...copyOptions(options), params: this.paramGroups[gi]!.params };
      this.paramGroups[gi] = group as unknown as ParamGroup<O>;
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}

function copyOption(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

function copyOptions(options: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k] = copyOption(v);
  return out;
}

function cloneState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Tensor ? v.detach().clone() : v;
  return out;
}

/** Clones a saved state for `param`, casting floating tensors to its dtype, checking shapes. */
function castState(name: string, index: string, s: ParamState, param: Tensor): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) {
    if (!(v instanceof Tensor)) {
      out[k] = v;
      continue;
    }
    if (v.shape.length !== param.shape.length || v.shape.some((d, i) => d !== param.shape[i])) {
      throw new ValueError(
        `${name}.loadStateDict: state ${k} of parameter ${index} has shape ${fmtShapeOf(v)} but the parameter has shape ${fmtShapeOf(param)}`,
      );
    }
    const c = v.detach().clone();
    out[k] = c.dtype === param.dtype ? c : c.to(param.dtype);
  }
  return out;
}
