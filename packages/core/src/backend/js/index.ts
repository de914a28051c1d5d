import type { Backend, View } from "../backend.js";
import { binary, unary, where } from "./elementwise.js";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.js";
import { matmul } from "./matmul.js";
import { argReduce, reduce } from "./reduce.js";
import { contiguousCopy, contiguousData, elementOffsets } from "./strided.js";

function assign(dst: View, src: View): void {
  const s = contiguousData(src);
  const offs = elementOffsets(dst);
  const d = dst.data;
  if (offs) for (let i = 0; i < s.length; i++) d[offs[i]!] = s[i]!;
  else (d as Float64Array).set(s as Float64Array, dst.offset);
}

/**
 * The reference backend: plain TypeScript loops for every dtype. It is the oracle the faster
 * backends are tested against, so clarity wins over cleverness here.
 */
export const jsBackend: Backend = {
  name: "js",
  copy: contiguousCopy,
  assign,
  unary,
  binary,
  where,
  reduce,
  argReduce,
  matmul,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
};
