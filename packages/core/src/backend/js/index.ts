import type { Backend, Conv2dParams, ConvGradients, View } from "../backend.js";
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from "./conv.js";
import { binary, reluBackward, unary, where } from "./elementwise.js";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.js";
import { matmul } from "./matmul.js";
import { batchNormBackward, batchNormForward, batchNormTraining } from "./norm.js";
import { adamStep } from "./optim.js";
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from "./pool.js";
import { argReduce, reduce } from "./reduce.js";
import { contiguousCopy, forEachRow } from "../strided.js";

function assign(dst: View, src: View): void {
  const [d, s] = [dst.data, src.data];
  forEachRow(dst.shape, [dst.strides, src.strides], [dst.offset, src.offset], (offs, n, inner) => {
    let [pd, ps] = offs as [number, number];
    const [sd, ss] = inner as [number, number];
    for (let i = 0; i < n; i++, pd += sd, ps += ss) d[pd] = s[ps]!;
  });
}

/** The three conv gradients, each by its own kernel. */
function conv2dBackward(x: View, weight: View, grad: View, p: Conv2dParams, needs: ConvGradients) {
  const spatial = (v: View): [number, number] => [v.shape[2]!, v.shape[3]!];
  return {
    gradInput: needs.input ? conv2dBackwardInput(grad, weight, spatial(x), p) : null,
    gradWeight: needs.weight ? conv2dBackwardWeight(x, grad, spatial(weight), p) : null,
    gradBias: needs.bias ? reduce("sum", grad, [0, 2, 3], grad.dtype) : null,
  };
}

/**
 * The reference backend: plain TypeScript loops for every dtype. It is the oracle the faster
 * backends are tested against, so clarity wins over cleverness here.
 */
export const jsBackend: Backend = {
  name: "js",
  simd: "none",
  threads: 1,
  arenaBytes: () => 0,
  copy: contiguousCopy,
  assign,
  unary,
  binary,
  where,
  reluBackward,
  reduce,
  argReduce,
  matmul,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackward,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  batchNormForward,
  batchNormTraining,
  batchNormBackward,
  adamStep,
};
