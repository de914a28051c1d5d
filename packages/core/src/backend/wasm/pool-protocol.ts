/**
 * The layout of a thread pool's control block (a SharedArrayBuffer): shared by the calling
 * thread's side (pool-core.ts) and the plain-JavaScript worker loop (pool-loop.mjs, which repeats
 * these numbers; a test checks they agree).
 *
 * int32 slots: SEQ counts jobs posted (workers wait on it), PENDING counts workers not yet done
 * with the job, FAILED is set when a piece threw, FN is the export's index in the sorted export
 * names, NARGS the argument count. A job's range [0, TOTAL) is cut into PIECES pieces of PER
 * (the last one shorter); every thread, the caller included, claims the next piece from NEXT
 * until none is left. Arguments are float64 from byte ARGS_BYTE.
 */
export const SEQ = 0;
export const PENDING = 1;
export const FAILED = 2;
export const FN = 3;
export const NARGS = 4;
export const NEXT = 5;
export const PIECES = 6;
export const PER = 7;
export const TOTAL = 8;
export const MAX_WORKERS = 56;
export const ARGS_BYTE = 4 * 16;
export const MAX_ARGS = 32;
export const CONTROL_BYTES = ARGS_BYTE + 8 * MAX_ARGS;
/**
 * Pieces a job is cut into per thread (fewer when its range has fewer grains). Kernels whose
 * scratch is per slot of their range (the convs) deal out this many slots a thread.
 */
export const PIECES_PER_THREAD = 4;
