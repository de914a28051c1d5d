// What the conv kernels (conv.ts, conv-pixels.ts) share: the geometry block JavaScript writes
// for a call, and the zero-padded copies of input planes that im2col and the pixel packing read.
import { f32At } from "./gemm";

/** Geometry of one conv call, written by JavaScript as 26 consecutive int32s. */
@unmanaged
export class Geometry {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  O: i32;
  OH: i32;
  OW: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  dh: i32;
  dw: i32;
  G: i32;
  /**
   * Backward input: units a (sample, group) splits into (chunks of its channels); backward
   * weight: 1 to deal row tiles of dw to the slots, 0 column tiles.
   */
  chunks: i32;
  /** Output pixels per unit (forward) or per im2col block (backward weight). */
  block: i32;
  /** Row pitch (floats) of the cols scratch; the scratch of a slot follows its GEMM scratch. */
  ld: i32;
  /** Bytes of scratch per slot (GEMM_SCRATCH, then cols, then padded planes). */
  slotBytes: i32;
  /** Row pitch (floats) of the padded planes: every tap of a row lands inside it. */
  wp: i32;
  /** Byte offset of the padded planes in a slot's scratch. */
  padAt: i32;
  /** conv2dPixelsF32: the K block (taps per packed block of pixels). */
  kc: i32;
  /** conv2dPixelsF32: byte offsets in a slot's scratch of the tap table and the packed pixels. */
  tapAt: i32;
  packAt: i32;
  /** Rows between channels in the padded planes (≥ the rows any unit pads). */
  planeRows: i32;
}

/**
 * Copies rows [ih0, ih0 + rows) of channels [c0, c1) of the planes at `x` into `pad` with their
 * zero border: channel c, row ih, column iw (from −pw) at pad + ((c − c0)·pitchRows + ih − ih0)·wp
 * + pw + iw floats. Rows and columns outside the input are zeros, so im2col needs no bounds tests.
 */
export function padPlanes(
  g: Geometry,
  x: usize,
  c0: i32,
  c1: i32,
  ih0: i32,
  rows: i32,
  pad: usize,
  pitchRows: i32 = rows,
): void {
  const W = g.W;
  const zero = f32x4.splat(0);
  for (let c = c0; c < c1; c++) {
    const plane = f32At(x, c * g.H * W);
    let dst = f32At(pad, (c - c0) * pitchRows * g.wp);
    for (let ih = ih0; ih < ih0 + rows; ih++) {
      const end = f32At(dst, g.wp);
      for (let d = dst; d < end; d += 16) v128.store(d, zero);
      if (ih >= 0 && ih < g.H) {
        const src = f32At(plane, ih * W);
        const out = f32At(dst, g.pw);
        let iw = 0;
        for (; iw + 4 <= W; iw += 4) v128.store(f32At(out, iw), v128.load(f32At(src, iw)));
        for (; iw < W; iw++) store<f32>(f32At(out, iw), load<f32>(f32At(src, iw)));
      }
      dst = end;
    }
  }
}

/** Input rows from `ih0` that output pixels [p0, p1) touch (what padPlanes must copy). */
// @ts-ignore: decorator
@inline
export function rowSpan(g: Geometry, p0: i32, p1: i32): i32 {
  const oh0 = p0 / g.OW;
  const oh1 = (p1 - 1) / g.OW;
  return (oh1 - oh0) * g.sh + (g.kh - 1) * g.dh + 1;
}
