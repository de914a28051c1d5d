/** Planes of values (images, filters, activation maps) drawn on canvases, one pixel a value. */
import { colorAt, planeRange, type Colormap } from "../../lib/colormaps.js";
import type { Planes } from "./protocol.js";

/** Plane `k` of `planes` as its own array. */
function plane(planes: Planes, k: number): Float32Array {
  const size = planes.rows * planes.cols;
  return planes.values.subarray(k * size, (k + 1) * size);
}

/**
 * A canvas showing one plane. ReLU maps (`viridis`) run from 0 to their own maximum, so a silent
 * map is dark; filters (`diverging`) are symmetric around 0; images (`gray`) span [0, 1].
 */
export function planeCanvas(planes: Planes, k: number, colormap: Colormap): HTMLCanvasElement {
  const values = plane(planes, k);
  const canvas = document.createElement("canvas");
  canvas.width = planes.cols;
  canvas.height = planes.rows;
  const top = values.reduce((m, v) => Math.max(m, v), 0);
  const range: readonly [number, number] | undefined =
    colormap === "viridis" ? [0, top > 0 ? top : 1] : colormap === "gray" ? [0, 1] : undefined;
  const [lo, hi] = planeRange({
    rows: planes.rows,
    cols: planes.cols,
    values,
    colormap,
    ...(range ? { range } : {}),
  });
  const pixels = new ImageData(planes.cols, planes.rows);
  values.forEach((v, i) => {
    const [r, g, b] = colorAt(colormap, (v - lo) / (hi - lo));
    pixels.data.set([r, g, b, 255], i * 4);
  });
  canvas.getContext("2d")!.putImageData(pixels, 0, 0);
  return canvas;
}

/** Replaces `box`'s content with every plane of `planes`, each captioned by its index. */
export function drawPlanes(box: HTMLElement, planes: Planes, colormap: Colormap): void {
  const cells = Array.from({ length: planes.count }, (_, k) => {
    const figure = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = String(k);
    figure.append(planeCanvas(planes, k, colormap), caption);
    return figure;
  });
  box.replaceChildren(...cells);
}
