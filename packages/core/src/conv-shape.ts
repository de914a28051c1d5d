import { ShapeError, ValueError, fmtShape } from "./errors.js";
import type { Shape } from "./shape.js";

/** Padding of a convolution: one size for every spatial dim, one per dim, or a mode. */
export type ConvPadding = number | readonly number[] | "same" | "valid";

/** The raw conv options of a call, before validation (ints apply to every spatial dim). */
export interface ConvArgs {
  stride?: number | readonly number[] | undefined;
  padding?: ConvPadding | undefined;
  dilation?: number | readonly number[] | undefined;
  groups?: number | undefined;
}

/** A validated convolution geometry, one entry per spatial dim (height, width). */
export interface ConvGeometry {
  readonly stride: number[];
  /** Zeros before the first element of each spatial dim. */
  readonly padBefore: number[];
  /** Zeros after the last element (differs from `padBefore` only for odd `'same'` padding). */
  readonly padAfter: number[];
  readonly dilation: number[];
  readonly groups: number;
  /** Input channels (per sample). */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Spatial size of the input. */
  readonly inSize: number[];
  /** Spatial size of the kernel. */
  readonly kernelSize: number[];
  /** Spatial size of the output. */
  readonly outSize: number[];
}

/** Output length of a convolution along one dim: `⌊(I + Pₜₒₜ − D·(K − 1) − 1) / S⌋ + 1`. */
export function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padTotal: number,
  dilation: number,
): number {
  return Math.floor((size + padTotal - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Output length of a transposed convolution: `(I − 1)·S − 2P + D·(K − 1) + OP + 1`. */
export function convTransposeOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padding: number,
  outputPadding: number,
  dilation: number,
): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/** PyTorch's `'same'` padding along one dim: total D·(K − 1), the odd extra zero at the end. */
export function samePadding(kernel: number, dilation: number): [number, number] {
  const total = dilation * (kernel - 1);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Normalises an int-or-tuple option to `nd` integers ≥ `min`. */
export function convTuple(
  op: string,
  name: string,
  v: number | readonly number[],
  nd: number,
  min: number,
): number[] {
  const t = typeof v === "number" ? new Array<number>(nd).fill(v) : [...v];
  if (t.length !== nd || t.some((s) => !Number.isInteger(s) || s < min)) {
    const what = typeof v === "number" ? String(v) : fmtShape(v);
    const kind = min === 0 ? "a non-negative" : "a positive";
    const tuple = nd === 1 ? "" : ` or ${nd} of them`;
    throw new ValueError(`${op}: ${name} must be ${kind} integer${tuple}, got ${what}`);
  }
  return t;
}

const AXES: Record<number, readonly string[]> = { 1: ["L"], 2: ["H", "W"] };

/** Throws unless `x` (unbatched or batched) and `weight` have the ranks of an `nd`-D conv. */
function checkRanks(op: string, x: Shape, w: Shape, nd: number, transposed: boolean): void {
  const sp = AXES[nd]!;
  if (x.length !== nd + 1 && x.length !== nd + 2) {
    throw new ShapeError(
      `${op}: expected a ${nd + 1}-D [C, ${sp.join(", ")}] or ${nd + 2}-D ` +
        `[N, C, ${sp.join(", ")}] input, got ${fmtShape(x)} (rank ${x.length})`,
    );
  }
  if (w.length !== nd + 2) {
    const dims = transposed ? "inChannels, outChannels/groups" : "outChannels, inChannels/groups";
    const k = sp.map((a) => `k${a}`).join(", ");
    throw new ShapeError(
      `${op}: weight must be ${nd + 2}-D [${dims}, ${k}], got ${fmtShape(w)} (rank ${w.length})`,
    );
  }
  if (w.slice(2).some((k) => k < 1)) {
    throw new ShapeError(`${op}: weight ${fmtShape(w)} has an empty kernel`);
  }
}

function checkGroups(op: string, groups: number): number {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
  return groups;
}

function checkDivisible(
  op: string,
  what: string,
  shape: Shape,
  n: number,
  groups: number,
  kind = "channels",
): void {
  if (n % groups !== 0) {
    throw new ShapeError(
      `${op}: ${what} ${fmtShape(shape)} has ${n} ${kind}, which is not divisible by groups = ${groups}`,
    );
  }
}

/**
 * Validates a convolution of `x` ([C, ...] or [N, C, ...]) with `weight` [O, C/groups, ...k] over
 * `nd` spatial dims and returns its geometry. Throws `ShapeError`s that show the shapes and the
 * output-size formula, e.g.
 * `conv2d: output size (W − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1 = -1 is not positive for input
 * [1, 1, 3, 3]`.
 */
export function convGeometry(
  op: string,
  x: Shape,
  w: Shape,
  args: ConvArgs,
  nd: number,
): ConvGeometry {
  checkRanks(op, x, w, nd, false);
  const groups = checkGroups(op, args.groups ?? 1);
  const stride = convTuple(op, "stride", args.stride ?? 1, nd, 1);
  const dilation = convTuple(op, "dilation", args.dilation ?? 1, nd, 1);
  const C = x[x.length - nd - 1]!;
  const inSize = x.slice(-nd);
  const kernelSize = w.slice(2);
  checkDivisible(op, "weight", w, w[0]!, groups, "output channels");
  if (groups > 1) checkDivisible(op, "input", x, C, groups);
  if (C !== w[1]! * groups) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x)} has ${C} channels but weight ${fmtShape(w)} expects ` +
        `${w[1]! * groups} (groups = ${groups})`,
    );
  }
  const padding = args.padding ?? 0;
  let padBefore: number[];
  let padAfter: number[];
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError(`${op}: padding 'same' requires stride 1, got ${fmtShape(stride)}`);
    }
    const pads = kernelSize.map((k, i) => samePadding(k, dilation[i]!));
    padBefore = pads.map((p) => p[0]);
    padAfter = pads.map((p) => p[1]);
  } else {
    padBefore =
      padding === "valid"
        ? new Array<number>(nd).fill(0)
        : convTuple(op, "padding", padding, nd, 0);
    padAfter = padBefore;
  }
  const outSize = new Array<number>(nd);
  // last dim first: the formula shown names the failing axis (W before H, as PyTorch reports)
  for (let i = nd - 1; i >= 0; i--) {
    const [I, K, S, D] = [inSize[i]!, kernelSize[i]!, stride[i]!, dilation[i]!];
    const P2 = padBefore[i]! + padAfter[i]!;
    const out = convOutputSize(I, K, S, P2, D);
    if (out < 1) {
      const F = D * (K - 1) + 1;
      const a = AXES[nd]![i]!;
      const eff =
        D === 1 ? "" : ` (F = D·(K − 1) + 1 = ${D}·${K - 1} + 1 = ${F} with dilation ${D})`;
      throw new ShapeError(
        `${op}: output size (${a} − F + 2P)/S + 1 = (${I} − ${F} + ${P2})/${S} + 1 = ${out} ` +
          `is not positive for input ${fmtShape(x)}${eff}`,
      );
    }
    outSize[i] = out;
  }
  return {
    stride,
    padBefore,
    padAfter,
    dilation,
    groups,
    inChannels: C,
    outChannels: w[0]!,
    inSize,
    kernelSize,
    outSize,
  };
}

/** The raw options of a transposed convolution, before validation. */
export interface ConvTransposeArgs {
  stride?: number | readonly number[] | undefined;
  padding?: number | readonly number[] | undefined;
  outputPadding?: number | readonly number[] | undefined;
  dilation?: number | readonly number[] | undefined;
  groups?: number | undefined;
}

/**
 * Validates a transposed convolution of `x` ([C, ...] or [N, C, ...]) with `weight`
 * [C, O/groups, ...k] and returns its geometry (`outSize` by {@link convTransposeOutputSize}).
 */
export function convTransposeGeometry(
  op: string,
  x: Shape,
  w: Shape,
  args: ConvTransposeArgs,
  nd: number,
): ConvGeometry {
  checkRanks(op, x, w, nd, true);
  const groups = checkGroups(op, args.groups ?? 1);
  const stride = convTuple(op, "stride", args.stride ?? 1, nd, 1);
  const padding = convTuple(op, "padding", args.padding ?? 0, nd, 0);
  const outputPadding = convTuple(op, "outputPadding", args.outputPadding ?? 0, nd, 0);
  const dilation = convTuple(op, "dilation", args.dilation ?? 1, nd, 1);
  const C = x[x.length - nd - 1]!;
  checkDivisible(op, "input", x, C, groups);
  if (C !== w[0]!) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x)} has ${C} channels but weight ${fmtShape(w)} expects ${w[0]!}`,
    );
  }
  const inSize = x.slice(-nd);
  const kernelSize = w.slice(2);
  const outSize = new Array<number>(nd);
  for (let i = nd - 1; i >= 0; i--) {
    const [I, K, S, P, OP, D] = [
      inSize[i]!,
      kernelSize[i]!,
      stride[i]!,
      padding[i]!,
      outputPadding[i]!,
      dilation[i]!,
    ];
    if (OP >= S && OP >= D) {
      throw new ValueError(
        `${op}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ` +
          `${fmtShape(stride)} or dilation ${fmtShape(dilation)}`,
      );
    }
    const out = convTransposeOutputSize(I, K, S, P, OP, D);
    if (out < 1) {
      const a = AXES[nd]![i]!;
      throw new ShapeError(
        `${op}: output size (${a} − 1)·S − 2P + D·(F − 1) + OP + 1 = ` +
          `(${I} − 1)·${S} − 2·${P} + ${D}·(${K} − 1) + ${OP} + 1 = ${out} ` +
          `is not positive for input ${fmtShape(x)}`,
      );
    }
    outSize[i] = out;
  }
  return {
    stride,
    padBefore: padding,
    padAfter: padding,
    dilation,
    groups,
    inChannels: C,
    outChannels: w[1]! * groups,
    inSize,
    kernelSize,
    outSize,
  };
}
