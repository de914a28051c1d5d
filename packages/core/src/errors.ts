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

/** What anomaly mode found; the fields of an {@link AnomalyError}. */
export interface AnomalyReport {
  /** The op whose output first held the value (for a rule's result, the forward op's name). */
  readonly op: string;
  /** What appeared: a NaN, or an infinity from finite inputs. */
  readonly value: "NaN" | "Inf";
  /** Whether it appeared while computing outputs or while computing gradients. */
  readonly phase: "forward" | "backward";
  /** Shapes of the op's tensor inputs, in order (`null` for an absent optional input). */
  readonly inputShapes: readonly (readonly number[] | null)[];
  /** The ops it ran inside (a primitive written with other ops, a custom function), outermost first. */
  readonly enclosing: readonly string[];
  /** For the backward phase: the forward op whose backward rule was running. */
  readonly forwardOp: string | null;
  /** For the backward phase: where that forward op was called (the user's frames of its stack). */
  readonly forwardStack: string | null;
}

/**
 * Thrown in anomaly mode (`detectAnomaly`) by the first op whose output holds a NaN its inputs did
 * not hold, or an infinity from finite inputs; its message and fields name the op, its inputs'
 * shapes and, in a backward pass, where the forward op was created.
 */
export class AnomalyError extends AutogradError implements AnomalyReport {
  /** The op whose output first held the value (for a rule's result, the forward op's name). */
  readonly op: string;
  /** What appeared: a NaN, or an infinity from finite inputs. */
  readonly value: "NaN" | "Inf";
  /** Whether it appeared while computing outputs or while computing gradients. */
  readonly phase: "forward" | "backward";
  /** Shapes of the op's tensor inputs, in order (`null` for an absent optional input). */
  readonly inputShapes: readonly (readonly number[] | null)[];
  /** The ops it ran inside (a primitive written with other ops, a custom function), outermost first. */
  readonly enclosing: readonly string[];
  /** For the backward phase: the forward op whose backward rule was running. */
  readonly forwardOp: string | null;
  /** For the backward phase: where that forward op was called (the user's frames of its stack). */
  readonly forwardStack: string | null;
  constructor(message: string, report: AnomalyReport) {
    super(message);
    this.op = report.op;
    this.value = report.value;
    this.phase = report.phase;
    this.inputShapes = report.inputShapes;
    this.enclosing = report.enclosing;
    this.forwardOp = report.forwardOp;
    this.forwardStack = report.forwardStack;
  }
}
