import { isFloating } from "../dtype.js";
import { AutogradError, DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { broadcastShapes, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { NO_ATTRS, debugMode, inside, observeOp } from "../debug/observer.js";
import { checkVersion } from "./define-op.js";
import { isGradEnabled, noGrad } from "./grad-mode.js";
import { Node } from "./node.js";

/** What a custom function's `forward` may return: one tensor, or several. */
export type FunctionOutput = Tensor | readonly Tensor[];

/** The gradients `backward` receives: one per output of `forward`. */
export type GradOutputs<O extends FunctionOutput> = O extends Tensor
  ? [grad: Tensor]
  : { -readonly [K in keyof O]: Tensor };

/**
 * What `backward` returns: one entry per argument of `forward`, in order. Tensor arguments get
 * a gradient of their shape (or `null`/`undefined` for none); other arguments get `null`/`undefined`.
 */
export type InputGrads<A extends readonly unknown[]> = {
  readonly [K in keyof A]: A[K] extends Tensor ? Tensor | null | undefined : null | undefined;
};

/**
 * The `ctx` object a custom function's `forward` and `backward` share (PyTorch's `ctx`).
 * `A` is the tuple of `forward`'s arguments.
 */
export interface FunctionContext<A extends readonly unknown[] = readonly unknown[]> {
  /**
   * The arguments `forward` was called with, typed per position in `backward` (handy for
   * non-tensor arguments; tensors that `backward` reads should go through `saveForBackward`).
   */
  readonly args: Readonly<A>;
  /**
   * Per argument: whether it is a tensor that requires grad (while grad mode was on), so
   * `backward` can skip work for the others.
   */
  readonly needsInputGrad: readonly boolean[];
  /**
   * Saves inputs or outputs for `backward` (call it in `forward`). Saved tensors are checked
   * against in-place modification when `backward` reads them.
   */
  saveForBackward(...tensors: Tensor[]): void;
  /** The tensors given to `saveForBackward`, in order (throws if one was modified in place). */
  readonly savedTensors: Tensor[];
  /** Declares outputs that get no gradient (e.g. indices); they come back not requiring grad. */
  markNonDifferentiable(...outputs: Tensor[]): void;
}

/** The definition of a custom differentiable function; see `defineFunction`. */
export interface FunctionSpec<A extends readonly unknown[], O extends FunctionOutput> {
  /** Name used in error messages and in `gradFn.name`. */
  name: string;
  /** Computes the outputs. Runs under `noGrad`: nothing it does is recorded. */
  forward(ctx: FunctionContext, ...args: A): O;
  /**
   * Gradients of the loss with respect to each argument of `forward`, given those with respect
   * to each output. Write it with tsgrad ops, so `createGraph: true` can differentiate it again.
   * Outputs that received no gradient get zeros.
   */
  backward(ctx: FunctionContext<A>, ...grads: GradOutputs<O>): InputGrads<A>;
}

/** A custom function made by `defineFunction`: call `apply` like an op. */
export interface CustomFunction<A extends readonly unknown[], O extends FunctionOutput> {
  /** The function's name. */
  readonly name: string;
  /** Runs `forward` and, when an argument requires grad, records one graph node for `backward`. */
  apply(...args: A): O;
}

class Context<A extends readonly unknown[]> implements FunctionContext<A> {
  saved: Tensor[] = [];
  versions: number[] | null = null;
  nonDifferentiable = new Set<Tensor>();
  constructor(
    private readonly fnName: string,
    readonly args: Readonly<A>,
    readonly needsInputGrad: readonly boolean[],
  ) {}
  saveForBackward(...tensors: Tensor[]): void {
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new ValueError(`${this.fnName}: saveForBackward argument ${i} is not a tensor`);
      }
    });
    this.saved = tensors;
  }
  get savedTensors(): Tensor[] {
    const versions = this.versions;
    if (versions === null) return [...this.saved];
    return this.saved.map((t, i) =>
      checkVersion(this.fnName, t, versions[i]!, `saved tensor ${i}`),
    );
  }
  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this.nonDifferentiable.add(t);
  }
}

function checkGrads<A extends readonly unknown[]>(
  name: string,
  args: Readonly<A>,
  result: unknown,
): readonly (Tensor | null | undefined)[] {
  const list = result instanceof Tensor && args.length === 1 ? [result] : result;
  if (!Array.isArray(list) || list.length !== args.length) {
    const got = Array.isArray(list) ? `${list.length} gradients` : typeof result;
    throw new AutogradError(
      `${name} backward: returned ${got}, expected one per forward argument (${args.length})`,
    );
  }
  return list.map((g: unknown, i) => {
    if (g === null || g === undefined) return g;
    const arg = args[i];
    if (!(g instanceof Tensor) || !(arg instanceof Tensor)) {
      throw new AutogradError(
        `${name} backward: gradient ${i} must be null` +
          (arg instanceof Tensor ? " or a tensor" : ` because argument ${i} is not a tensor`),
      );
    }
    if (!isFloating(g.dtype)) {
      throw new DTypeError(`${name} backward: gradient ${i} has dtype ${g.dtype}, not a float`);
    }
    // like PyTorch, accept a gradient that the input's shape broadcasts to (the engine sums it)
    const fits =
      sameShape(g.shape, arg.shape) ||
      (g.dim() >= arg.dim() && sameShape(tryBroadcast(g.shape, arg.shape), g.shape));
    if (!fits) {
      throw new ShapeError(
        `${name} backward: gradient ${i} has shape ${fmtShape(g.shape)} but input ${i} has shape ${fmtShape(arg.shape)}`,
      );
    }
    return g;
  });
}

function tryBroadcast(a: readonly number[], b: readonly number[]): readonly number[] {
  try {
    return broadcastShapes("backward", a, b);
  } catch {
    return [];
  }
}

/**
 * Defines a differentiable function from a forward computation and a hand-written backward,
 * like PyTorch's `torch.autograd.Function`. `forward` runs under `noGrad`; its outputs come back
 * as new tensors (sharing storage) whose `gradFn` is one node that calls `backward`. Write
 * `backward` with tsgrad ops so it is itself differentiable (grad of grad, Hessian-vector
 * products). Check it with `gradcheck` / `gradgradcheck`.
 *
 * @example
 * ```ts
 * const Cube = defineFunction({
 *   name: "cube",
 *   forward(ctx, x: Tensor) {
 *     ctx.saveForBackward(x);
 *     return x.mul(x).mul(x);
 *   },
 *   backward(ctx, g) {
 *     const [x] = ctx.savedTensors;
 *     return [g.mul(x.mul(x)).mul(3)]; // d/dx x³ = 3x²
 *   },
 * });
 * const y = Cube.apply(tensor([1, 2], { requiresGrad: true })); // grad_fn=<CubeBackward0>
 * ```
 */
export function defineFunction<A extends readonly unknown[], const O extends FunctionOutput>(
  spec: FunctionSpec<A, O>,
): CustomFunction<A, O> {
  const { name } = spec;
  const apply = (...args: A): O => {
    const inputs = args.map((a) => (a instanceof Tensor ? a : null));
    const record = isGradEnabled() && inputs.some((t) => t?.requiresGrad);
    const ctx = new Context<A>(
      name,
      args,
      inputs.map((t) => record && (t?.requiresGrad ?? false)),
    );
    // the ops of `forward` are part of this function: a trace shows one node for it
    const raw: unknown = inside(name, () => noGrad(() => spec.forward(ctx, ...args)));
    const outs: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (outs.length === 0 || !outs.every((o) => o instanceof Tensor)) {
      throw new ValueError(`${name} forward: must return a tensor or a non-empty array of tensors`);
    }
    const rawOuts = outs as Tensor[];
    for (const t of ctx.nonDifferentiable) {
      if (!rawOuts.includes(t)) {
        throw new ValueError(
          `${name}: markNonDifferentiable was given a tensor that forward did not return`,
        );
      }
    }
    const fresh = rawOuts.map((o) => new Tensor(o.storage, o.shape, o.strides, o.offset, o.dtype));
    if (record) {
      // saved outputs become the graph-connected outputs, so double backward flows through them
      ctx.saved = ctx.saved.map((t) => {
        const i = rawOuts.indexOf(t);
        return i >= 0 && !inputs.includes(t) ? fresh[i]! : t;
      });
      ctx.versions = ctx.saved.map((t) => t.storage.version);
      const node = new Node(
        name,
        inputs,
        (grads) => checkGrads(name, args, spec.backward(ctx, ...(grads as GradOutputs<O>))),
        fresh.map((t) => ({ shape: t.shape, dtype: t.dtype })),
      );
      fresh.forEach((t, i) => {
        if (isFloating(t.dtype) && !ctx.nonDifferentiable.has(rawOuts[i]!)) {
          t.gradFn = node;
          t.outputNr = i;
        }
      });
    }
    if (debugMode.on) observeOp(name, inputs, fresh, NO_ATTRS);
    return (Array.isArray(raw) ? fresh : fresh[0]) as unknown as O;
  };
  return { name, apply };
}
