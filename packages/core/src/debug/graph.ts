import type { DType } from "../dtype.js";
import { formatAttrs, formatSource, ref, typeOf } from "./graph-format.js";
import { graphToDot } from "./graph-dot.js";
import type { OpAttrs } from "./observer.js";
import type { SourceLocation } from "./source.js";

/**
 * A tensor in a traced graph: an example input of the traced function, a constant (a tensor it
 * read but did not compute: a parameter, a buffer, a number an op broadcast), or an op's result.
 */
export interface TracedValue {
  /** Its name, printed with a `%`: `in0` (inputs), `c0` or a given name (constants), `3` (results). */
  readonly name: string;
  /** Where it came from. */
  readonly kind: "input" | "constant" | "result";
  /** Its shape when the op ran. */
  readonly shape: readonly number[];
  /** Its element type. */
  readonly dtype: DType;
  /** Whether it required grad when it was recorded. */
  readonly requiresGrad: boolean;
  /** The value of an unnamed 0-d constant (a JS number an op broadcast, printed inline), else null. */
  readonly value: number | null;
}

/** One op a traced function ran (forward or backward). */
export interface TracedNode {
  /** Its position in the graph, from 0, in the order the ops ran. */
  readonly index: number;
  /** The op's name (`conv2d`, `relu`, `add_`, a custom function's name, ...). */
  readonly op: string;
  /** Its tensor inputs in order (`null` for an absent optional one, such as a conv without bias). */
  readonly inputs: readonly (TracedValue | null)[];
  /** Its outputs: one, or values and indices (max pooling), or the updated tensors (in-place ops). */
  readonly outputs: readonly TracedValue[];
  /** Its non-tensor arguments: stride, padding, dims, ... */
  readonly attrs: OpAttrs;
  /** `backward` for the ops a backward pass ran (rules, and the engine's sums and casts). */
  readonly phase: "forward" | "backward";
  /** For an op a backward rule ran: the forward node whose rule it was (null if not traced). */
  readonly gradOf: TracedNode | null;
  /** The line of the user's code that ran it (the first stack frame outside tsgrad), if known. */
  readonly source: SourceLocation | null;
}

/** Options of {@link Graph.toDot}. */
export interface DotOptions {
  /** Graphviz's `rankdir`: `TB` (top to bottom, the default) or `LR` (left to right). */
  rankdir?: "TB" | "LR";
}

/**
 * The ops a function ran, recorded by {@link trace}: a small SSA graph, one node per op, like
 * torch.fx's graph or a jaxpr. `toString()` prints one node a line; `toDot()` gives Graphviz DOT
 * (render it with `dot -Tsvg`). It holds shapes and names only, never tensor data.
 */
export class Graph {
  constructor(
    /** The tensors among the traced function's example inputs, in order. */
    readonly inputs: readonly TracedValue[],
    /** Tensors the function read but did not compute (parameters, buffers, numbers), first use first. */
    readonly constants: readonly TracedValue[],
    /** The ops, in the order they ran. */
    readonly nodes: readonly TracedNode[],
    /** The tensors the function returned (a tensor, or the tensors of a returned array). */
    readonly outputs: readonly TracedValue[],
  ) {}

  /**
   * One line per input, constant and op:
   * ```text
   * graph(%in0: f32[2, 1, 8, 8]):
   *   %conv.weight: f32[4, 1, 3, 3] = parameter
   *   %0: f32[2, 4, 8, 8] = conv2d(%in0, %conv.weight, null, stride=[1, 1], ...)  # model.ts:12
   *   %7: f32[2, 4, 8, 8] = mul(%6, %2)  # grad of %3 (relu)
   *   return %5
   * ```
   */
  toString(): string {
    const lines = [`graph(${this.inputs.map((v) => `%${v.name}: ${typeOf(v)}`).join(", ")}):`];
    for (const c of this.constants) {
      if (c.value !== null) continue; // printed where it is used
      lines.push(`  %${c.name}: ${typeOf(c)} = ${c.requiresGrad ? "parameter" : "constant"}`);
    }
    for (const n of this.nodes) {
      const outs = n.outputs.map((v) => `%${v.name}: ${typeOf(v)}`).join(", ");
      const args = [...n.inputs.map(ref), ...formatAttrs(n.attrs)].join(", ");
      lines.push(`  ${outs} = ${n.op}(${args})${comment(n)}`);
    }
    const outs = this.outputs.map(ref);
    const returned =
      outs.length === 0 ? "" : outs.length === 1 ? ` ${outs[0]}` : ` (${outs.join(", ")})`;
    lines.push(`  return${returned}`);
    return lines.join("\n");
  }

  /**
   * The graph in Graphviz's DOT language: ops as boxes (backward ones, in a cluster, shaded),
   * inputs and constants as ellipses, edges labelled with the tensor's name and type. Render it
   * with `dot -Tsvg graph.dot -o graph.svg`.
   */
  toDot(options: DotOptions = {}): string {
    return graphToDot(this, options);
  }
}

function comment(n: TracedNode): string {
  if (n.phase === "backward") {
    if (n.gradOf === null) return "  # backward";
    const out = n.gradOf.outputs[0];
    return `  # grad of ${out ? `%${out.name}` : `node ${n.gradOf.index}`} (${n.gradOf.op})`;
  }
  return n.source ? `  # ${formatSource(n.source)}` : "";
}
