/**
 * Raster pictures for the examples: an RGB canvas, labelled grids of 2-D maps
 * (images, filters, activation maps) and PNG files, encoded by `fast-png`.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { encode } from "fast-png";
import { writeFileAtomic } from "./files.js";
import { colorAt, planeRange, type Plane, type Rgb } from "./colormaps.js";
import { GLYPH, glyphRows, textWidth } from "./font.js";

export type { Colormap, Plane, Rgb } from "./colormaps.js";

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [33, 37, 41];
const FRAME: Rgb = [190, 190, 190];

/** An RGB picture to draw on. */
export class Canvas {
  /** Pixels, row-major, 3 bytes each. */
  readonly rgb: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Paints a rectangle (clipped to the canvas). */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let r = Math.max(y, 0); r < Math.min(y + h, this.height); r++) {
      for (let c = Math.max(x, 0); c < Math.min(x + w, this.width); c++) {
        this.rgb.set(color, (r * this.width + c) * 3);
      }
    }
  }

  /** Draws a plane with its top-left corner at (x, y), each value a `scale` × `scale` block. */
  drawPlane(x: number, y: number, plane: Plane, scale: number): void {
    const [lo, hi] = planeRange(plane);
    const map = plane.colormap ?? "gray";
    for (let r = 0; r < plane.rows; r++) {
      for (let c = 0; c < plane.cols; c++) {
        const t = (plane.values[r * plane.cols + c]! - lo) / (hi - lo);
        this.fillRect(x + c * scale, y + r * scale, scale, scale, colorAt(map, t));
      }
    }
  }

  /** Writes `text` (capitals) with its top-left corner at (x, y), `scale` pixels a font pixel. */
  drawText(x: number, y: number, text: string, scale = 1, color: Rgb = INK): void {
    [...text].forEach((ch, k) => {
      glyphRows(ch).forEach((bits, r) => {
        for (let c = 0; c < GLYPH.width; c++) {
          if ((bits >> (GLYPH.width - 1 - c)) & 1) {
            const px = x + (k * GLYPH.advance + c) * scale;
            this.fillRect(px, y + r * scale, scale, scale, color);
          }
        }
      });
    });
  }

  /** The picture as PNG bytes (8-bit RGB). */
  png(): Uint8Array {
    return encode({ width: this.width, height: this.height, data: this.rgb, channels: 3 });
  }
}

/** One row of a grid: a label on the left and a plane per column (`null` leaves a cell empty). */
export interface GridRow {
  label: string;
  cells: readonly (Plane | null)[];
}

/** Layout of a grid picture. */
export interface GridOptions {
  /** Lines above everything (`\n` separates them). */
  title?: string;
  /** Captions above the columns. */
  columns?: readonly string[];
  /** Side of a cell in pixels; a plane is enlarged by the largest integer factor that fits. */
  cell: number;
  /** Pixels a font pixel (default 2). */
  textScale?: number;
  /** Space between columns (default 14, enough to keep neighbouring captions apart). */
  colGap?: number;
}

const MARGIN = 10;
/** Space between rows, and between the labels and the first column. */
const GAP = 6;

/**
 * A grid of planes with row labels and column captions, each plane enlarged by whole pixels
 * (no smoothing, so a pooled map shows its real resolution) and centred in its cell.
 */
export function gridImage(rows: readonly GridRow[], o: GridOptions): Canvas {
  const ts = o.textScale ?? 2;
  const colGap = o.colGap ?? 14;
  const lineH = GLYPH.height * ts;
  const ncols = Math.max(o.columns?.length ?? 0, ...rows.map((r) => r.cells.length));
  const colW = Array.from({ length: ncols }, (_, j) =>
    Math.max(o.cell, textWidth(o.columns?.[j] ?? "") * ts),
  );
  const labelW = Math.max(0, ...rows.map((r) => textWidth(r.label) * ts));
  const left = MARGIN + (labelW > 0 ? labelW + GAP * 2 : 0);
  const titleLines = o.title ? o.title.split("\n") : [];
  const titleH = titleLines.length * (lineH + GAP) + (titleLines.length > 0 ? GAP : 0);
  const headH = o.columns ? lineH + GAP : 0;
  const rowH = Math.max(o.cell, lineH);
  const gridW = colW.reduce((a, b) => a + b + colGap, -colGap);
  const canvas = new Canvas(
    Math.max(left + gridW, ...titleLines.map((l) => MARGIN + textWidth(l) * ts)) + MARGIN,
    MARGIN + titleH + headH + rows.length * (rowH + GAP) - GAP + MARGIN,
  );
  titleLines.forEach((line, i) => canvas.drawText(MARGIN, MARGIN + i * (lineH + GAP), line, ts));
  const colX = colW.map((_, j) => left + colW.slice(0, j).reduce((a, b) => a + b + colGap, 0));
  o.columns?.forEach((caption, j) => {
    const x = colX[j]! + Math.floor((colW[j]! - textWidth(caption) * ts) / 2);
    canvas.drawText(x, MARGIN + titleH, caption, ts);
  });
  rows.forEach((row, i) => {
    const y = MARGIN + titleH + headH + i * (rowH + GAP);
    canvas.drawText(MARGIN, y + Math.floor((rowH - lineH) / 2), row.label, ts);
    row.cells.forEach((plane, j) => {
      if (plane === null) return;
      const scale = Math.max(1, Math.floor(o.cell / Math.max(plane.rows, plane.cols)));
      const [w, h] = [plane.cols * scale, plane.rows * scale];
      const x = colX[j]! + Math.floor((colW[j]! - w) / 2);
      const top = y + Math.floor((rowH - h) / 2);
      canvas.fillRect(x - 1, top - 1, w + 2, h + 2, FRAME); // a frame shows where a pale map ends
      canvas.drawPlane(x, top, plane, scale);
    });
  });
  return canvas;
}

/** Writes a canvas to `path` as PNG (atomically, creating its folder). */
export function writePng(path: string, canvas: Canvas): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, canvas.png());
}
