import { fromTypedArray, type Tensor } from "@tsgrad/core";

/** `v / 255` as float32 for every byte value: the same bits as PyTorch's `uint8.float() / 255`. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Converts the uint8 images at `indices` of a flat image array into one float32 batch in [0, 1]
 * (`pixel / 255`), in a single pass and without a tensor per image. Indices must be in range.
 *
 * Shape: `images` holds `N` images of `imageShape` `[C, H, W]`, back to back → `[B, C, H, W]`
 * with `B = indices.length`.
 */
export function uint8ImagesToTensor(
  images: Uint8Array,
  imageShape: readonly [number, number, number],
  indices: ArrayLike<number>,
): Tensor {
  const [c, h, w] = imageShape;
  const size = c * h * w;
  const out = new Float32Array(indices.length * size);
  for (let b = 0; b < indices.length; b++) {
    const src = (indices[b] ?? 0) * size;
    const dst = b * size;
    for (let j = 0; j < size; j++) out[dst + j] = UNIT[images[src + j]!]!;
  }
  return fromTypedArray(out, [indices.length, c, h, w]);
}
