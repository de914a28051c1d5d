import type { DotOptions, Graph, TracedNode, TracedValue } from "./graph.js";
import { formatAttrs, formatSource, typeOf } from "./graph-format.js";

// Graphviz DOT for a traced graph: one box per op, one ellipse per input or constant (parameters
// shaded green), edges from producer to consumer labelled `%name: type`. Backward ops sit in a
// dashed cluster and are shaded red, so the forward and backward halves read apart.

const COLORS = {
  input: "#c9daf8",
  parameter: "#d9ead3",
  constant: "#eeeeee",
  forward: "#ffffff",
  backward: "#f4cccc",
  output: "#fff2cc",
};

/** A DOT string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function attributes(attrs: Record<string, string>): string {
  return `[${Object.entries(attrs)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(", ")}]`;
}

function opLabel(n: TracedNode): string {
  const lines = [n.op];
  n.inputs.forEach((v, i) => {
    if (v !== null && v.value !== null) lines.push(`input ${i} = ${v.value}`);
  });
  lines.push(...formatAttrs(n.attrs));
  if (n.phase === "forward" && n.source) lines.push(formatSource(n.source));
  return lines.join("\n");
}

/** The DOT text of `graph`. */
export function graphToDot(graph: Graph, options: DotOptions): string {
  const lines = [
    "digraph tsgrad {",
    `  graph ${attributes({ rankdir: options.rankdir ?? "TB", fontname: "Helvetica" })};`,
    `  node ${attributes({ fontname: "Helvetica", fontsize: "10" })};`,
    `  edge ${attributes({ fontname: "Helvetica", fontsize: "9", color: "#666666" })};`,
  ];
  // where each value comes from: its own ellipse (inputs, constants) or the op that made it
  const source = new Map<TracedValue, string>();
  graph.inputs.forEach((v, i) => {
    source.set(v, `in${i}`);
    const label = `%${v.name}\n${typeOf(v)}`;
    const style = { shape: "ellipse", style: "filled", fillcolor: COLORS.input, label };
    lines.push(`  in${i} ${attributes(style)};`);
  });
  graph.constants.forEach((v, i) => {
    if (v.value !== null) return; // shown in the label of the op that reads it
    source.set(v, `c${i}`);
    const fill = v.requiresGrad ? COLORS.parameter : COLORS.constant;
    const style = {
      shape: "ellipse",
      style: "filled",
      fillcolor: fill,
      label: `%${v.name}\n${typeOf(v)}`,
    };
    lines.push(`  c${i} ${attributes(style)};`);
  });
  const backward: string[] = [];
  for (const n of graph.nodes) {
    const id = `n${n.index}`;
    const fill = n.phase === "backward" ? COLORS.backward : COLORS.forward;
    lines.push(
      `  ${id} ${attributes({ shape: "box", style: "rounded,filled", fillcolor: fill, label: opLabel(n) })};`,
    );
    if (n.phase === "backward") backward.push(id);
    for (const v of n.inputs) {
      const from = v === null ? undefined : source.get(v);
      if (from === undefined) continue;
      const label = v!.kind === "result" ? `%${v!.name}: ${typeOf(v!)}` : "";
      lines.push(`  ${from} -> ${id}${label ? ` ${attributes({ label })}` : ""};`);
    }
    for (const v of n.outputs) source.set(v, id);
  }
  if (backward.length > 0) {
    lines.push("  subgraph cluster_backward {");
    lines.push(`    label=${quote("backward")}; style=dashed; color=${quote("#cc4125")};`);
    lines.push(`    ${backward.join("; ")};`);
    lines.push("  }");
  }
  if (graph.outputs.length > 0) {
    const style = { shape: "ellipse", style: "filled", fillcolor: COLORS.output, label: "output" };
    lines.push(`  output ${attributes(style)};`);
    for (const v of graph.outputs) {
      const from = source.get(v);
      if (from !== undefined)
        lines.push(`  ${from} -> output ${attributes({ label: `%${v.name}: ${typeOf(v)}` })};`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}
