import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/** Output size of `AdaptiveAvgPool2d`: one int, or (height, width) with `null` keeping a size. */
export type AdaptiveSize2 = number | readonly [number | null, number | null];

/**
 * Average pooling to a fixed output size with PyTorch's adaptive windows
 * (`nn.AdaptiveAvgPool2d`): `new AdaptiveAvgPool2d(1)` is global average pooling.
 * Shape: [N, C, H, W] → [N, C, OH, OW].
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(
    /** Output (height, width); `null` keeps the input's size on that axis. */
    readonly outputSize: AdaptiveSize2,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    const s = this.outputSize;
    const p = (v: number | null): string => (v === null ? "None" : String(v));
    return `output_size=${typeof s === "number" ? s : `(${p(s[0])}, ${p(s[1])})`}`;
  }
}
