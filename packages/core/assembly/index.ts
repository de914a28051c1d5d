// The wasm backend's kernels, one file per family. Every kernel takes byte addresses (`usize`)
// into the shared memory that JavaScript allocated (the module itself never allocates), and
// float32 data unless its name says otherwise. Kernels that a worker pool splits take the range
// of output rows (or columns) they own, so threads never write the same element.
export { simdVariant } from "./simd";
export * from "./unary";
export * from "./elementwise";
export * from "./reduce";
export * from "./pool";
export * from "./norm";
export * from "./optim";
export { gemmScratchBytes, matmulF32 } from "./gemm";
export * from "./conv";
export * from "./conv-pixels";
export { conv2dWinogradF32, winogradScratchBytes, winogradWeightsF32 } from "./conv-winograd";
export * from "./conv-winograd-weight";

/** First byte past the module's static data: where the JavaScript arena may start. */
export function heapBase(): usize {
  return __heap_base;
}
