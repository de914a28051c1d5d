import { ValueError, zeros } from "@tsgrad/core";
import { defaultLayerInit_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyRepr, pyStr } from "../repr.js";
import { checkInt, ntuple, type FactoryOptions } from "./common.js";

/** Options shared by the convolution layers (PyTorch's keywords, camelCase). */
export interface ConvLayerOptions extends FactoryOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly number[];
  /** Zeros added on both sides (default 0), or `'valid'` / `'same'` (stride 1 only). */
  padding?: number | readonly number[] | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups (default 1); both channel counts must be divisible by it. */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/** What differs between the convolution layers. */
export interface ConvSpec {
  name: string;
  dims: number;
  transposed: boolean;
  outputPadding?: number | readonly number[];
}

/**
 * Shared state of `Conv1d`, `Conv2d` and `ConvTranspose2d` (PyTorch's `_ConvNd`): the weight,
 * the optional bias, the normalised settings, PyTorch's default initialisation and printout.
 */
export abstract class ConvBase extends Module {
  /** [out, in/groups, ...kernel], or [in, out/groups, ...kernel] when transposed. */
  readonly weight: Parameter;
  /** Shape [outChannels], or `null` without bias. */
  readonly bias: Parameter | null;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Stride per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or `'same'` / `'valid'`. */
  readonly padding: number[] | "same" | "valid";
  /** Dilation per spatial dim. */
  readonly dilation: number[];
  /** Extra output rows/columns of a transposed conv (zeros otherwise). */
  readonly outputPadding: number[];
  /** Channel groups. */
  readonly groups: number;

  constructor(
    /** Channels of the input. */
    readonly inChannels: number,
    /** Channels the layer produces. */
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions,
    spec: ConvSpec,
  ) {
    super();
    const { name, dims } = spec;
    checkInt(name, "inChannels", inChannels, 1);
    checkInt(name, "outChannels", outChannels, 1);
    this.groups = checkInt(name, "groups", options.groups ?? 1, 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        `${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${this.groups})`,
      );
    }
    this.kernelSize = ntuple(name, "kernelSize", kernelSize, dims, 1);
    this.stride = ntuple(name, "stride", options.stride ?? 1, dims, 1);
    this.dilation = ntuple(name, "dilation", options.dilation ?? 1, dims, 1);
    this.outputPadding = ntuple(name, "outputPadding", spec.outputPadding ?? 0, dims, 0);
    const padding = options.padding ?? 0;
    if (typeof padding === "string") {
      if (spec.transposed || (padding !== "same" && padding !== "valid")) {
        throw new ValueError(`${name}: unsupported padding '${padding}'`);
      }
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new ValueError(`${name}: padding='same' is not supported for strided convolutions`);
      }
      this.padding = padding;
    } else {
      this.padding = ntuple(name, "padding", padding, dims, 0);
    }
    const [a, b] = spec.transposed ? [inChannels, outChannels] : [outChannels, inChannels];
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(zeros([a, b / this.groups, ...this.kernelSize], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters(options);
  }

  /** Re-draws the parameters with PyTorch's default initialisation (U(±1/√fanIn)). */
  resetParameters(options: Pick<FactoryOptions, "generator"> = {}): void {
    defaultLayerInit_(this.weight, this.bias, options);
  }

  override extraRepr(): string {
    const all = (v: readonly number[], x: number): boolean => v.every((e) => e === x);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}`;
    if (typeof this.padding === "string" || !all(this.padding, 0)) {
      s += `, padding=${pyStr(this.padding)}`;
    }
    if (!all(this.dilation, 1)) s += `, dilation=${pyRepr(this.dilation)}`;
    if (!all(this.outputPadding, 0)) s += `, output_padding=${pyRepr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    return s;
  }
}
