import { DTypeError, ShapeError, Tensor, ValueError, div, fromTypedArray, sub } from "@tsgrad/core";

/**
 * An image transform, torchvision-style: `forward` maps an image tensor to a new one. Images are
 * channels-first with channels at dimension −3: `[C, H, W]` for one image, `[B, C, H, W]` for a
 * batch.
 *
 * A transform with `batched: true` promises to treat leading dimensions as batch dimensions, so
 * applying it once to a batch equals applying it to each image and stacking. `DataLoader`'s fast
 * path then applies it once per batch; other transforms are applied image by image.
 */
export interface Transform {
  /** Transforms one image `[C, H, W]`, or a batch `[B, C, H, W]` when `batched` is true. */
  forward(x: Tensor): Tensor;
  /** True when `forward` works on a batch exactly as on each of its images. */
  readonly batched?: boolean;
}

/** A {@link Transform}, or a plain function of one image (treated as not batched). */
export type TransformLike = Transform | ((x: Tensor) => Tensor);

/** Applies a {@link TransformLike} to `x`. */
export function applyTransform(transform: TransformLike, x: Tensor): Tensor {
  return typeof transform === "function" ? transform(x) : transform.forward(x);
}

/** True when `transform` may be applied once to a whole batch (see {@link Transform.batched}). */
export function isBatched(transform: TransformLike): boolean {
  return typeof transform !== "function" && transform.batched === true;
}

/**
 * Normalizes each channel: `out[c] = (x[c] − mean[c]) / std[c]`, torchvision's
 * `transforms.Normalize`. `mean` and `std` hold one value per channel, or a single value for all
 * channels. The result has the input's dtype (float32 or float64); the input is not modified.
 *
 * Shape: `[..., C, H, W]` → same shape (any leading batch dimensions; `batched` is true).
 *
 * @example
 * ```ts
 * const normalize = new Normalize([0.286], [0.353]); // Fashion-MNIST's mean and std
 * const train = new FashionMNIST({ transform: normalize });
 * ```
 */
export class Normalize implements Transform {
  /** Per-channel means. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations. */
  readonly std: readonly number[];
  /** Always true: normalizing a batch equals normalizing each image. */
  readonly batched = true;

  /**
   * @throws {ValueError} when `mean`/`std` are empty, differ in length (neither being a single
   *   value), hold a non-finite value, or `std` holds a zero.
   */
  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    const m = typeof mean === "number" ? [mean] : [...mean];
    const s = typeof std === "number" ? [std] : [...std];
    const show = `mean [${m.join(", ")}], std [${s.join(", ")}]`;
    if (
      m.length === 0 ||
      s.length === 0 ||
      (m.length !== s.length && Math.min(m.length, s.length) !== 1)
    ) {
      throw new ValueError(`Normalize: mean and std need one value per channel, got ${show}`);
    }
    if (![...m, ...s].every(Number.isFinite)) {
      throw new ValueError(`Normalize: mean and std must be finite, got ${show}`);
    }
    if (s.includes(0)) {
      throw new ValueError(`Normalize: std must be non-zero (it divides), got ${show}`);
    }
    this.mean = m;
    this.std = s;
  }

  /**
   * Returns `(x − mean) / std`, per channel.
   *
   * @throws {DTypeError} when `x` is not float32 or float64.
   * @throws {ShapeError} when `x` has fewer than 3 dimensions or its channel count does not match.
   */
  forward(x: Tensor): Tensor {
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new DTypeError(`Normalize: expected a float32 or float64 image, got ${x.dtype}`);
    }
    if (x.dim() < 3) {
      throw new ShapeError(
        `Normalize: expected an image [C, H, W] or a batch [B, C, H, W], got [${x.shape.join(", ")}]`,
      );
    }
    const channels = x.shape[x.dim() - 3] ?? 0;
    const n = Math.max(this.mean.length, this.std.length);
    if (n !== 1 && n !== channels) {
      throw new ShapeError(
        `Normalize: input [${x.shape.join(", ")}] has ${channels} channel(s) (dimension -3) but ` +
          `mean/std have ${n} values`,
      );
    }
    const perChannel = (values: readonly number[]): Tensor => {
      const full = values.length === n ? values : new Array<number>(n).fill(values[0] ?? 0);
      const data = x.dtype === "float64" ? Float64Array.from(full) : Float32Array.from(full);
      return fromTypedArray(data, [n, 1, 1]);
    };
    return div(sub(x, perChannel(this.mean)), perChannel(this.std));
  }
}

/**
 * Chains transforms, torchvision's `transforms.Compose`: `forward(x)` applies each in order.
 * It is `batched` when every part is.
 *
 * @example
 * ```ts
 * const t = new Compose([new Normalize(0.5, 0.5), (x) => x.clamp(-1, 1)]);
 * ```
 */
export class Compose implements Transform {
  /** The transforms, applied first to last. */
  readonly transforms: readonly TransformLike[];
  /** True when every transform in the chain is batched. */
  readonly batched: boolean;

  constructor(transforms: readonly TransformLike[]) {
    this.transforms = [...transforms];
    this.batched = this.transforms.every(isBatched);
  }

  /** Applies each transform in turn. Shape: whatever the chain makes of `x`. */
  forward(x: Tensor): Tensor {
    return this.transforms.reduce((y, t) => applyTransform(t, y), x);
  }
}
