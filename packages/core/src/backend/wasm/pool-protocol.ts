/**
 * The layout of a thread pool's control block (a SharedArrayBuffer): shared by the Node pool and
 * its plain-JavaScript worker entry (which repeats these numbers; a test checks they agree).
 *
 * int32 slots: SEQ counts jobs posted (workers wait on it), PENDING counts chunks not yet done,
 * FAILED is set when a chunk threw, FN is the export's index in the sorted export names, NARGS the
 * argument count; worker w's range is at RANGES + 2w. Arguments are float64 from byte ARGS_BYTE.
 */
export const SEQ = 0;
export const PENDING = 1;
export const FAILED = 2;
export const FN = 3;
export const NARGS = 4;
export const RANGES = 8;
export const MAX_WORKERS = 56;
export const ARGS_BYTE = 4 * (RANGES + 2 * MAX_WORKERS);
export const MAX_ARGS = 32;
export const CONTROL_BYTES = ARGS_BYTE + 8 * MAX_ARGS;
