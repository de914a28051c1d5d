/**
 * The layout of a thread pool's control block (a SharedArrayBuffer): shared by the calling
 * thread's side (pool-core.ts) and the plain-JavaScript worker loop (pool-loop.mjs, which repeats
 * these numbers; a test checks they agree).
 *
 * int32 slots: SEQ counts jobs posted (workers wait on it), DONE counts the job's pieces finished,
 * FAILED is set when a piece threw, FN is the export's index in the sorted export names, NARGS the
 * argument count. A job's range [0, TOTAL) is cut into pieces of PER (the last one shorter).
 * NEXT holds the job's piece count in its high 16 bits (PIECE_BITS) and the next unclaimed piece
 * in its low 16: every thread, the caller included, claims a piece by compare-and-swap on that
 * word while the index is below the count, and reads the job's parameters only after a claim
 * succeeds. A claim is therefore always of the live job (its caller is still waiting for that
 * piece, so its parameters hold still), however late a worker wakes; the caller waits only for the
 * pieces claimed, never for workers that have not woken. Arguments are float64 from byte
 * ARGS_BYTE.
 */
export const SEQ = 0;
export const DONE = 1;
export const FAILED = 2;
export const FN = 3;
export const NARGS = 4;
export const NEXT = 5;
export const PER = 7;
export const TOTAL = 8;
export const PIECE_BITS = 16;
export const MAX_WORKERS = 56;
export const ARGS_BYTE = 4 * 16;
export const MAX_ARGS = 32;
export const CONTROL_BYTES = ARGS_BYTE + 8 * MAX_ARGS;
/**
 * Pieces a job is cut into per thread (fewer when its range has fewer grains). Kernels whose
 * scratch is per slot of their range (the convs) deal out this many slots a thread.
 */
export const PIECES_PER_THREAD = 4;

/**
 * Claims the next piece of the live job from the control block `ctl`: its index, or −1 when every
 * piece is claimed. (pool-loop.mjs has the same loop in plain JavaScript.)
 */
export function claimPiece(ctl: Int32Array): number {
  for (;;) {
    const word = Atomics.load(ctl, NEXT);
    const index = word & ((1 << PIECE_BITS) - 1);
    if (index >= word >>> PIECE_BITS) return -1;
    if (Atomics.compareExchange(ctl, NEXT, word, word + 1) === word) return index;
  }
}
