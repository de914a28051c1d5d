import { numelOf } from "../shape.js";
import type { Backend, KernelName, View } from "./backend.js";

/** Accumulated time of one kernel (and op, for the elementwise and reduce families). */
interface Row {
  calls: number;
  ms: number;
  flops: number;
}

const rows = new Map<string, Row>();

const shapeOf = (v: unknown): readonly number[] => (v as View).shape;

/** Floating-point operations of the GEMM-shaped kernels (2 per multiply-add), else 0. */
function flopsOf(kernel: KernelName, args: readonly unknown[]): number {
  switch (kernel) {
    case "matmul": {
      const [b, m, k] = shapeOf(args[0]);
      return 2 * b! * m! * k! * shapeOf(args[1])[2]!;
    }
    case "conv2d":
    case "conv2dBackwardInput":
    case "conv2dBackwardWeight": {
      // every conv kernel does one multiply-add per (output element, weight tap) pair
      const w = kernel === "conv2dBackwardWeight" ? null : shapeOf(args[1]);
      if (kernel === "conv2d") {
        const [n] = shapeOf(args[0]);
        const [oh, ow] = args[3] as readonly number[]; // (x, weight, bias, outSize, p)
        return 2 * n! * oh! * ow! * numelOf(w!);
      }
      if (kernel === "conv2dBackwardInput")
        return 2 * numelOf(shapeOf(args[0])) * numelOf(w!.slice(1));
      const g = shapeOf(args[1]);
      const x = shapeOf(args[0]);
      const [kh, kw] = args[2] as readonly number[];
      const groups = (args[3] as { groups: number }).groups;
      return 2 * numelOf(g) * (x[1]! / groups) * kh! * kw!;
    }
    case "conv2dBackward": {
      // (x, weight, grad, p, needs): the input and weight gradients, each as its kernel apart
      const needs = args[4] as { input: boolean; weight: boolean };
      const perGradient = 2 * numelOf(shapeOf(args[2])) * numelOf(shapeOf(args[1]).slice(1));
      return perGradient * (Number(needs.input) + Number(needs.weight));
    }
    default:
      return 0;
  }
}

/**
 * A copy of `backend` (its other properties kept) whose `kernels` add their time to the profile
 * table.
 */
export function profiled(backend: Backend, kernels: readonly KernelName[]): Backend {
  const out: Record<string, unknown> = { ...backend };
  for (const kernel of kernels) {
    const fn = backend[kernel] as (...a: unknown[]) => unknown;
    out[kernel] = (...args: unknown[]) => {
      const t0 = performance.now();
      const result = fn(...args);
      const ms = performance.now() - t0;
      const op = typeof args[0] === "string" ? `.${args[0]}` : "";
      const label = `${backend.name} ${kernel}${op}`;
      const row = rows.get(label) ?? { calls: 0, ms: 0, flops: 0 };
      row.calls++;
      row.ms += ms;
      row.flops += flopsOf(kernel, op ? args.slice(1) : args);
      rows.set(label, row);
      return result;
    };
  }
  return out as unknown as Backend;
}

/** The profile so far as a table: kernel, calls, ms, share of the total, GFLOP/s. */
export function profileTable(): string {
  const total = [...rows.values()].reduce((s, r) => s + r.ms, 0);
  const sorted = [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const width = Math.max(6, ...sorted.map(([k]) => k.length));
  const lines = [
    `${"kernel".padEnd(width)}  ${"calls".padStart(7)}  ${"ms".padStart(10)}  share  GFLOP/s`,
  ];
  for (const [label, r] of sorted) {
    const gflops = r.flops > 0 ? (r.flops / r.ms / 1e6).toFixed(1) : "";
    lines.push(
      `${label.padEnd(width)}  ${String(r.calls).padStart(7)}  ${r.ms.toFixed(1).padStart(10)}  ` +
        `${((100 * r.ms) / total).toFixed(1).padStart(4)}%  ${gflops.padStart(7)}`,
    );
  }
  lines.push(`${"total".padEnd(width)}  ${"".padStart(7)}  ${total.toFixed(1).padStart(10)}`);
  return lines.join("\n");
}

/** Clears the profile table. */
export function resetProfile(): void {
  rows.clear();
}
