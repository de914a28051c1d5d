/**
 * Parameter initialisation (PyTorch's `torch.nn.init`). Every function fills its tensor in place
 * under `noGrad`, draws from `options.generator` (default: the generator `manualSeed` seeds), and
 * returns the tensor.
 * @packageDocumentation
 */
import { Generator, Tensor, ValueError, defaultGenerator, noGrad, rand, randn } from "@tsgrad/core";

/** Options shared by the random initialisers. */
export interface InitOptions {
  /** Generator to draw from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/** Non-linearities understood by `calculateGain` (PyTorch's names). */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

/** Which fan the Kaiming initialisers preserve the variance of. */
export type FanMode = "fan_in" | "fan_out";

/** Options of `kaimingUniform_` / `kaimingNormal_`. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** `"fan_in"` (default) keeps the forward variance, `"fan_out"` the backward one. */
  mode?: FanMode;
  /** The non-linearity that follows (default `"leaky_relu"`). */
  nonlinearity?: Nonlinearity;
}

/** Options of `xavierUniform_` / `xavierNormal_`. */
export interface XavierOptions extends InitOptions {
  /** Scaling factor (default 1). */
  gain?: number;
}

/**
 * The recommended gain for a non-linearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for
 * ReLU, √(2 / (1 + slope²)) for leaky ReLU (slope `param`, default 0.01), 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) {
        throw new ValueError(`calculateGain: negative slope ${slope} is not a valid number`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    default:
      throw new ValueError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight: `size(1)·receptive` and `size(0)·receptive`, where `receptive`
 * is the product of the dims after the first two (PyTorch's `_calculate_fan_in_and_fan_out`).
 * Shape: at least 2-d, e.g. Linear `[out, in]`, Conv2d `[out, in/groups, kH, kW]`.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) {
    throw new ValueError(
      `calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${t.shape.join(", ")}])`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fill(t: Tensor, values: Tensor): Tensor {
  noGrad(() => t.copy_(values));
  return t;
}

function floatDType(t: Tensor, op: string): "float32" | "float64" {
  if (t.dtype !== "float32" && t.dtype !== "float64") {
    throw new ValueError(`${op}: expected a floating-point tensor, got ${t.dtype}`);
  }
  return t.dtype;
}

/** Fills `t` with samples from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  const dtype = floatDType(t, "uniform_");
  if (!(a <= b)) throw new ValueError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  const generator = options.generator ?? defaultGenerator;
  const u = noGrad(() =>
    rand(t.shape, { dtype: "float64", generator })
      .mul(b - a)
      .add(a),
  );
  return fill(t, u.to(dtype));
}

/** Fills `t` with samples from N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  const dtype = floatDType(t, "normal_");
  if (!(std >= 0)) throw new ValueError(`normal_: expected std >= 0, got ${std}`);
  const generator = options.generator ?? defaultGenerator;
  const n = noGrad(() => randn(t.shape, { dtype: "float64", generator }).mul(std).add(mean));
  return fill(t, n.to(dtype));
}

/** Fills `t` with `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => t.fill_(value));
  return t;
}

/** Fills `t` with zeros. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills `t` with ones. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

function kaimingStd(t: Tensor, op: string, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const mode = options.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") {
    throw new ValueError(`${op}: mode must be 'fan_in' or 'fan_out', got '${String(mode)}'`);
  }
  const fan = mode === "fan_in" ? fanIn : fanOut;
  if (fan === 0) {
    throw new ValueError(
      `${op}: cannot initialise an empty tensor (shape [${t.shape.join(", ")}])`,
    );
  }
  const gain = calculateGain(options.nonlinearity ?? "leaky_relu", options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He initialisation from U(−bound, bound) with bound = gain·√(3 / fan). Layers use it with
 * `a = √5` for their default weight init, as PyTorch does.
 * Zero-element tensors are left as they are. Shape: at least 2-d.
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t; // nothing to fill, as in PyTorch
  const bound = Math.sqrt(3) * kaimingStd(t, "kaimingUniform_", options);
  return uniform_(t, -bound, bound, options);
}

/** He initialisation from N(0, std²) with std = gain / √fan. Shape: at least 2-d. */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, "kaimingNormal_", options), options);
}

function xavierStd(t: Tensor, options: XavierOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot initialisation from U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). Shape: ≥ 2-d. */
export function xavierUniform_(t: Tensor, options: XavierOptions = {}): Tensor {
  const a = Math.sqrt(3) * xavierStd(t, options);
  return uniform_(t, -a, a, options);
}

/** Glorot initialisation from N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). Shape: ≥ 2-d. */
export function xavierNormal_(t: Tensor, options: XavierOptions = {}): Tensor {
  return normal_(t, 0, xavierStd(t, options), options);
}

/**
 * PyTorch's default init of a Linear/Conv layer (`reset_parameters`): weight from
 * `kaimingUniform_(w, { a: √5 })` — i.e. U(±1/√fanIn) — and bias from U(±1/√fanIn).
 */
export function defaultLayerInit_(
  weight: Tensor,
  bias: Tensor | null,
  options: InitOptions = {},
): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator: options.generator });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, options);
  }
}
