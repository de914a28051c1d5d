/**
 * The error hierarchy of tsgrad. Every public entry point validates its inputs and throws one of
 * these, with a message that names the op and the offending shapes or values.
 */
export class TsgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: broadcasting, matmul inner dims, reshape sizes, conv windows. */
export class ShapeError extends TsgradError {}

/** A dtype an op cannot accept, e.g. `requiresGrad` on an int32 tensor. */
export class DTypeError extends TsgradError {}

/** An index or dimension out of range. */
export class IndexError extends TsgradError {}

/** A bad argument value that is not about shapes, dtypes or indices (e.g. a negative probability). */
export class ValueError extends TsgradError {}

/** Misuse of autograd: backward through a freed graph, a saved tensor modified in place, ... */
export class AutogradError extends TsgradError {}

/** Malformed or missing data files (used by `@tsgrad/datasets` and checkpoint readers). */
export class DataError extends TsgradError {}

/** Formats a shape the way error messages print it: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A backend that was asked for by name but cannot run here (no SIMD, no threads, bad option). */
export class BackendError extends TsgradError {}
