/** What the image tests look at in a written PNG: its size, pixel variance and colour count. */
import { readFileSync } from "node:fs";
import { decode } from "fast-png";

/** Size, variance of every channel value, and number of distinct colours of a PNG file. */
export interface PngStats {
  width: number;
  height: number;
  variance: number;
  colors: number;
}

/** Decodes the PNG at `path` (any bit depth and channel count) and measures it. */
export function pngStats(path: string): PngStats {
  const png = decode(readFileSync(path));
  const { data, channels } = png;
  let [sum, sumSq] = [0, 0];
  for (const v of data) {
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / data.length;
  const colors = new Set<string>();
  for (let i = 0; i < data.length; i += channels) {
    colors.add(Array.from(data.subarray(i, i + channels)).join(","));
  }
  return {
    width: png.width,
    height: png.height,
    variance: sumSq / data.length - mean * mean,
    colors: colors.size,
  };
}
