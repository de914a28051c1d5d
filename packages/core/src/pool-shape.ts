import { convOutputSize, convTuple } from "./conv-shape.js";
import { ShapeError, fmtShape } from "./errors.js";

/** One size for both spatial dims, or a `[height, width]` pair. */
export type IntPair = number | readonly [number, number];

/** Normalises an int-or-pair argument and checks each entry is an integer ≥ `min`. */
export function pair(op: string, name: string, v: IntPair, min: number): [number, number] {
  const [a, b] = convTuple(op, name, v, 2, min);
  return [a!, b!];
}

/**
 * PyTorch's pooling output size along one axis: the conv formula
 * `⌊(I + 2P − D·(K − 1) − 1) / S⌋ + 1`, rounded up instead in ceil mode, where the last window
 * is then dropped if it would start inside the right padding.
 */
export function poolOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  ceilMode: boolean,
): number {
  // ⌈a/S⌉ = ⌊(a + S − 1)/S⌋: ceil mode is the conv formula on an input S − 1 longer
  let out = convOutputSize(size + (ceilMode ? stride - 1 : 0), kernel, stride, 2 * pad, dilation);
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** The validated geometry of a 2-D pooling call on an [N, C, H, W] input. */
export interface PoolGeometry {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly outSize: [number, number];
}

/** The raw arguments of a 2-D pooling call, before validation. */
export interface PoolArgs {
  kernelSize: IntPair;
  stride?: IntPair | null | undefined;
  padding?: IntPair | undefined;
  dilation?: IntPair | undefined;
  ceilMode?: boolean | undefined;
}

/**
 * Validates a 2-D pooling configuration against an input [..., H, W] and returns its geometry. Throws
 * `ShapeError`s that show the output-size formula, e.g.
 * `maxPool2d: output size (W − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1 = -1 is not positive for input [1, 1, 3, 3]`.
 */
export function poolGeometry(op: string, shape: readonly number[], args: PoolArgs): PoolGeometry {
  const kernel = pair(op, "kernelSize", args.kernelSize, 1);
  const stride = pair(op, "stride", args.stride ?? kernel, 1);
  const padding = pair(op, "padding", args.padding ?? 0, 0);
  const dilation = pair(op, "dilation", args.dilation ?? 1, 1);
  const ceil = args.ceilMode ?? false;
  if (padding[0] > Math.floor(kernel[0] / 2) || padding[1] > Math.floor(kernel[1] / 2)) {
    throw new ShapeError(
      `${op}: padding ${fmtShape(padding)} must be at most half of kernelSize ${fmtShape(kernel)} ` +
        `(P ≤ ⌊F/2⌋) for input ${fmtShape(shape)}`,
    );
  }
  const outSize: [number, number] = [0, 0];
  // width first, then height: the formula shown names the failing axis
  for (const axis of [1, 0]) {
    const size = shape[shape.length - 2 + axis]!;
    const [k, s, p, d] = [kernel[axis]!, stride[axis]!, padding[axis]!, dilation[axis]!];
    const out = poolOutputSize(size, k, s, p, d, ceil);
    if (out < 1) {
      const f = d * (k - 1) + 1;
      const letter = axis === 1 ? "W" : "H";
      const num = `(${size} − ${f} + ${2 * p})/${s}`;
      const formula = ceil
        ? `⌈(${letter} − F + 2P)/S⌉ + 1 = ⌈${num}⌉ + 1`
        : `(${letter} − F + 2P)/S + 1 = ${num} + 1`;
      const eff =
        d === 1 ? "" : ` (F = D·(K − 1) + 1 = ${d}·${k - 1} + 1 = ${f} with dilation ${d})`;
      throw new ShapeError(
        `${op}: output size ${formula} = ${out} is not positive for input ${fmtShape(shape)}${eff}`,
      );
    }
    outSize[axis] = out;
    checkWindows(op, shape, axis, out, size, [k, s, p, d]);
  }
  return { kernel, stride, padding, dilation, outSize };
}

/**
 * Throws if a dilated window only covers padding (its max would be −∞ with no element to route
 * the gradient to; PyTorch returns −∞ and an index outside the plane there).
 */
function checkWindows(
  op: string,
  shape: readonly number[],
  axis: number,
  out: number,
  size: number,
  [k, s, p, d]: readonly [number, number, number, number],
): void {
  if (d === 1) return; // an undilated window always reaches the input when P ≤ ⌊F/2⌋
  for (let o = 0; o < out; o++) {
    const taps = Array.from({ length: k }, (_, i) => o * s - p + i * d);
    if (taps.some((t) => t >= 0 && t < size)) continue;
    throw new ShapeError(
      `${op}: window ${o} along ${axis === 1 ? "W" : "H"} covers only padding (taps at ` +
        `${taps.join(", ")} for size ${size}, kernel ${k}, dilation ${d}, padding ${p}) ` +
        `for input ${fmtShape(shape)}`,
    );
  }
}

/** Checks a pooling input is 3-D [C, H, W] or 4-D [N, C, H, W] with non-empty planes. */
export function checkPoolInput(op: string, shape: readonly number[]): void {
  const ok = (shape.length === 3 || shape.length === 4) && shape.slice(-3).every((s) => s > 0);
  if (!ok) {
    throw new ShapeError(
      `${op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input with non-zero C, H, W, got ${fmtShape(shape)}`,
    );
  }
}
