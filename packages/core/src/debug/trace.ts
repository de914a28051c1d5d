import type { Node } from "../autograd/node.js";
import { ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { Graph, type TracedNode, type TracedValue } from "./graph.js";
import {
  currentRecorder,
  setRecorder,
  type OpAttrs,
  type OpEvent,
  type OpRecorder,
  type Scope,
} from "./observer.js";
import { captureStack, userLocation } from "./source.js";

/** Options of {@link traceWith}. */
export interface TraceOptions {
  /**
   * Names for tensors the function reads but does not compute, printed instead of `%c0`, `%c1`:
   * e.g. a model's `namedParameters()` and `namedBuffers()`.
   */
  names?: Iterable<readonly [string, Tensor]>;
}

/**
 * Anything with a `forward` and named parameters, such as an `nn` Module: traced through
 * `forward`, with its parameters and buffers named as in its state dict (`conv1.weight`).
 */
export interface TraceableModule<A extends readonly unknown[]> {
  /** The computation to trace. */
  forward(...inputs: A): unknown;
  /** Parameters by dotted name. */
  namedParameters(): Iterable<readonly [string, Tensor]>;
  /** Buffers by dotted name (optional). */
  namedBuffers?(): Iterable<readonly [string, Tensor]>;
}

/** What {@link trace} runs: a function, or a module's `forward`. */
export type TraceTarget<A extends readonly unknown[]> =
  ((...inputs: A) => unknown) | TraceableModule<A>;

/**
 * Runs `target` once on `exampleInputs` and returns the {@link Graph} of every op it ran: views,
 * ops under `noGrad` and eval-mode ops included, whether or not anything requires grad, each with
 * its inputs, attributes (stride, padding, dims, ...), output shapes and dtypes, and the line of
 * your code that ran it. If `target` calls `backward()` or `grad()`, the ops of the backward pass
 * are in the graph too, each marked with the forward op whose gradient it computes. `target` runs
 * for real (a backward pass fills `.grad`, an optimizer step updates weights) and must be
 * synchronous. A module (anything with `forward` and `namedParameters`) is traced through
 * `forward`, its parameters and buffers named.
 *
 * @example
 * ```ts
 * const g = trace((x) => relu(conv2d(x, w, b, { padding: 1 })).sum(), randn([1, 1, 8, 8]));
 * console.log(g.toString()); // graph(%in0: f32[1, 1, 8, 8]): ...
 * writeFileSync("graph.dot", g.toDot());
 * ```
 */
export function trace<A extends readonly unknown[]>(
  target: TraceTarget<A>,
  ...exampleInputs: A
): Graph {
  return traceWith({}, target, ...exampleInputs);
}

/** {@link trace}, with names for the constants a function reads (parameters, buffers). */
export function traceWith<A extends readonly unknown[]>(
  options: TraceOptions,
  target: TraceTarget<A>,
  ...exampleInputs: A
): Graph {
  if (currentRecorder() !== null) {
    throw new ValueError("trace: already tracing; traces cannot be nested");
  }
  const names = new Map<Tensor, string>();
  const name = (list: Iterable<readonly [string, Tensor]> | undefined): void => {
    for (const [n, t] of list ?? []) if (!names.has(t)) names.set(t, n);
  };
  name(options.names);
  let run: (...inputs: A) => unknown;
  if (typeof target === "function") {
    run = target;
  } else {
    name(target.namedParameters());
    name(target.namedBuffers?.());
    run = (...inputs) => target.forward(...inputs);
  }
  const recorder = new Recorder(
    exampleInputs.filter((x): x is Tensor => x instanceof Tensor),
    names,
  );
  setRecorder(recorder);
  let result: unknown;
  try {
    result = run(...exampleInputs);
  } finally {
    setRecorder(null);
  }
  return recorder.graph(result);
}

/** Builds the graph as ops report themselves. */
class Recorder implements OpRecorder {
  /** The latest value of each tensor object (an in-place op gives its tensor a new one). */
  readonly #values = new Map<Tensor, TracedValue>();
  readonly #inputs: TracedValue[] = [];
  readonly #constants: TracedValue[] = [];
  readonly #nodes: TracedNode[] = [];
  /** The traced node of each autograd node, to tell which forward op a backward rule serves. */
  readonly #byGradFn = new Map<Node, TracedNode>();
  #results = 0;
  #unnamed = 0;

  constructor(
    inputs: readonly Tensor[],
    private readonly names: ReadonlyMap<Tensor, string>,
  ) {
    inputs.forEach((t, i) => {
      const v = describe(t, `in${i}`, "input", null);
      this.#inputs.push(v);
      this.#values.set(t, v);
    });
  }

  op(event: OpEvent, scopes: readonly Scope[]): void {
    // ops inside a primitive written with ops (or a custom function) are part of it
    if (scopes.some((s) => s.kind === "inside")) return;
    const inputs = event.inputs.map((t) => (t === null ? null : this.#valueOf(t)));
    const outputs = event.outputs.map((t) => {
      const v = describe(t, String(this.#results++), "result", null);
      this.#values.set(t, v);
      return v;
    });
    const rule = [...scopes].reverse().find((s) => s.kind === "rule");
    const node: TracedNode = {
      index: this.#nodes.length,
      op: event.name,
      inputs,
      outputs,
      attrs: copyAttrs(event.attrs),
      phase: scopes.length > 0 ? "backward" : "forward",
      gradOf: rule?.kind === "rule" ? (this.#byGradFn.get(rule.node) ?? null) : null,
      source: userLocation(captureStack()),
    };
    this.#nodes.push(node);
    for (const t of event.outputs) {
      if (t.gradFn && !this.#byGradFn.has(t.gradFn)) this.#byGradFn.set(t.gradFn, node);
    }
  }

  /** The graph, with the tensors of `result` (a tensor or an array) as its outputs. */
  graph(result: unknown): Graph {
    const returned = result instanceof Tensor ? [result] : Array.isArray(result) ? result : [];
    const outputs = returned
      .filter((x): x is Tensor => x instanceof Tensor)
      .map((t) => this.#valueOf(t));
    return new Graph(this.#inputs, this.#constants, this.#nodes, outputs);
  }

  #valueOf(t: Tensor): TracedValue {
    let v = this.#values.get(t);
    if (v === undefined) {
      const given = this.names.get(t);
      // an unnamed 0-d constant is a number an op broadcast: printed inline, where it is used
      const inline = given === undefined && t.dim() === 0 && !t.requiresGrad;
      const name = given ?? (inline ? "" : `c${this.#unnamed++}`);
      v = describe(t, name, "constant", inline ? t.item() : null);
      this.#constants.push(v);
      this.#values.set(t, v);
    }
    return v;
  }
}

function describe(
  t: Tensor,
  name: string,
  kind: TracedValue["kind"],
  value: number | null,
): TracedValue {
  return { name, kind, shape: [...t.shape], dtype: t.dtype, requiresGrad: t.requiresGrad, value };
}

function copyAttrs(attrs: OpAttrs): OpAttrs {
  return Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
  );
}
