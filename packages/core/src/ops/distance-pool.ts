import { allocate, assertFloating, type DType } from "../dtype.js";
import { ValueError } from "../errors.js";
import { checkPoolInput, pair, poolGeometry, type IntPair } from "../pool-shape.js";
import type { Tensor } from "../tensor.js";
import { conv2d } from "./conv.js";
import { wrap } from "./helpers.js";

// Distance-weighted average pooling is linear in x with a fixed kernel, so it is a depthwise
// convolution (groups = C, one [kH, kW] kernel per channel) and needs no backward rule of its
// own: conv2d's rules make it differentiable to any order, on every backend.

const OP = "distanceWeightedAvgPool2d";

/** One σ for both axes, or `[σ_h, σ_w]`. */
export type SigmaPair = number | readonly [number, number];

/** Options of `distanceWeightedAvgPool2d`. */
export interface DistanceWeightedAvgPool2dOptions {
  /** Step between windows (default: `kernelSize`, as in PyTorch's pooling). */
  stride?: IntPair | null;
  /**
   * Implicit zero padding on each side, at most half the kernel (default 0). Padding zeros stay
   * in the window with their weights (the window's weights always sum to 1), so a window over the
   * border is pulled towards 0, like `avgPool2d` with `countIncludePad`.
   */
  padding?: IntPair;
  /**
   * Width σ of the Gaussian weights, in pixels (default per axis: `0.3·((K − 1)/2 − 1) + 0.8`,
   * the rule of OpenCV and torchvision's Gaussian blur: 0.65 for K = 2, 0.8 for K = 3, 1.1 for
   * K = 5). A large σ tends to plain average pooling, a small one to picking the centre tap.
   */
  sigma?: SigmaPair | null;
}

/** The default σ for a window of `k` taps (OpenCV's `getGaussianKernel` rule). */
const defaultSigma = (k: number): number => 0.3 * ((k - 1) / 2 - 1) + 0.8;

function sigmaPair(
  sigma: SigmaPair | null | undefined,
  kernel: [number, number],
): [number, number] {
  if (sigma === null || sigma === undefined)
    return [defaultSigma(kernel[0]), defaultSigma(kernel[1])];
  const s = typeof sigma === "number" ? [sigma, sigma] : sigma;
  if (s.length !== 2 || !s.every((v) => Number.isFinite(v) && v > 0)) {
    const got = typeof sigma === "number" ? String(sigma) : `[${sigma.join(", ")}]`;
    throw new ValueError(`${OP}: sigma must be a finite number > 0 or 2 of them, got ${got}`);
  }
  return [s[0]!, s[1]!];
}

/** The normalised weights of a window, row-major, computed in float64. */
function weightsOf(kernel: [number, number], sigma: [number, number]): number[] {
  const [kh, kw] = kernel;
  const w: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // offsets from the geometric centre (k − 1)/2: half-integers for an even kernel
      const dh = i - (kh - 1) / 2;
      const dw = j - (kw - 1) / 2;
      w.push(Math.exp(-(dh * dh) / (2 * sigma[0] ** 2) - (dw * dw) / (2 * sigma[1] ** 2)));
    }
  }
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/**
 * The weights `distanceWeightedAvgPool2d` gives the taps of one window: `exp(−d²/(2σ²))` with `d`
 * the distance of a tap from the window's centre `((kH − 1)/2, (kW − 1)/2)`, normalised to sum 1
 * (with `[σ_h, σ_w]`: `exp(−Δh²/(2σ_h²) − Δw²/(2σ_w²))`). Throws `ValueError` for a bad
 * `kernelSize` or `sigma`.
 * Shape: [kH, kW].
 */
export function distanceWeights(
  kernelSize: IntPair,
  options: { sigma?: SigmaPair | null; dtype?: DType } = {},
): Tensor {
  const kernel = pair(OP, "kernelSize", kernelSize, 1);
  const dtype = options.dtype ?? "float32";
  assertFloating(OP, dtype);
  const w = weightsOf(kernel, sigmaPair(options.sigma, kernel));
  const data = allocate(dtype, w.length);
  w.forEach((v, i) => (data[i] = v));
  return wrap(data, kernel, dtype);
}

/**
 * Distance-weighted average pooling: each window is averaged with Gaussian weights that fall off
 * with the distance of a tap from the window's centre (see {@link distanceWeights}), so the
 * centre pixel counts most. Zero padding counts as zeros inside the window. Runs as a depthwise
 * convolution with a fixed kernel, differentiable to any order.
 * NOTE: for a 2 × 2 window every tap is equally far from the centre, so the result is plain
 * average pooling whatever σ is.
 * Shape: [N, C, H, W] → [N, C, OH, OW] with OH = ⌊(H + 2P − K)/S⌋ + 1; 3-D [C, H, W] input
 * gives [C, OH, OW].
 */
export function distanceWeightedAvgPool2d(
  x: Tensor,
  kernelSize: IntPair,
  options: DistanceWeightedAvgPool2dOptions = {},
): Tensor {
  checkPoolInput(OP, x.shape);
  assertFloating(OP, x.dtype);
  const geo = poolGeometry(OP, x.shape, {
    kernelSize,
    stride: options.stride,
    padding: options.padding,
  });
  const sigma = sigmaPair(options.sigma, geo.kernel);
  const C = x.shape[x.dim() - 3]!;
  const taps = weightsOf(geo.kernel, sigma);
  // one copy of the window's weights per channel: weight [C, 1, kH, kW]
  const data = allocate(x.dtype, C * taps.length);
  for (let i = 0; i < data.length; i++) data[i] = taps[i % taps.length]!;
  const weight = wrap(data, [C, 1, ...geo.kernel], x.dtype);
  return conv2d(x, weight, null, { stride: geo.stride, padding: geo.padding, groups: C });
}
