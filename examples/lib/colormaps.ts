/**
 * Colour maps and 2-D planes of values, without any file or Node API: the PNG pictures of the
 * examples (images.ts) and the browser demo's canvases colour values the same way.
 */

/** A colour as 8-bit red, green and blue. */
export type Rgb = readonly [number, number, number];

/**
 * How values become colours: `gray` black to white; `viridis` dark blue through green to yellow;
 * `diverging` blue for negative, white for 0, red for positive (a symmetric range).
 */
export type Colormap = "gray" | "viridis" | "diverging";

// stops at t = 0, 0.25, 0.5, 0.75, 1, linearly interpolated
const STOPS: Record<Colormap, readonly Rgb[]> = {
  gray: [
    [0, 0, 0],
    [255, 255, 255],
  ],
  viridis: [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ],
  diverging: [
    [33, 102, 172],
    [146, 197, 222],
    [247, 247, 247],
    [244, 165, 130],
    [178, 24, 43],
  ],
};

/** The colour of `t` in [0, 1] (clamped) on a colour map. */
export function colorAt(map: Colormap, t: number): Rgb {
  const stops = STOPS[map];
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const [a, b, f] = [stops[i]!, stops[i + 1]!, x - i];
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as unknown as Rgb;
}

/** A 2-D map of values, row-major, with how to colour it. */
export interface Plane {
  rows: number;
  cols: number;
  values: ArrayLike<number>;
  /** Colour map (default `gray`). */
  colormap?: Colormap;
  /**
   * Values at the two ends of the colour map (default: the plane's own min and max, or ±max|v|
   * for `diverging`).
   */
  range?: readonly [number, number];
}

/** The default range of a plane: its extremes (symmetric for `diverging`), never empty. */
export function planeRange(p: Plane): [number, number] {
  if (p.range) return [p.range[0], p.range[1]];
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < p.values.length; i++) {
    lo = Math.min(lo, p.values[i]!);
    hi = Math.max(hi, p.values[i]!);
  }
  if (p.colormap === "diverging") [lo, hi] = [-Math.max(-lo, hi), Math.max(-lo, hi)];
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}
