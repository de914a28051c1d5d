import { BackendError } from "../../errors.js";
import type { CompiledKernels } from "./module.js";
import { instantiate } from "./module.js";
import {
  ARGS_BYTE,
  claimPiece,
  CONTROL_BYTES,
  DONE,
  FAILED,
  FN,
  MAX_ARGS,
  MAX_WORKERS,
  NARGS,
  NEXT,
  PER,
  PIECE_BITS,
  PIECES_PER_THREAD,
  SEQ,
  TOTAL,
} from "./pool-protocol.js";
import type { ThreadPool } from "./runtime.js";
import type { WasmMemory, WasmModule } from "./webassembly.js";

/** Spins before sleeping while waiting for workers: most pieces finish within this. */
const SPIN = 20000;
/** A job that takes longer than this means a worker died: fail instead of hanging. */
const TIMEOUT_MS = 120_000;

/** What one pool worker needs to serve kernels (pool-loop.mjs's `serveKernels`). */
export interface PoolWorkerInit {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly control: SharedArrayBuffer;
  /** The kernel exports' names, sorted: a job names its kernel by index in this list. */
  readonly names: readonly string[];
  /** The worker's slot in the control block's ranges (0 for the first worker). */
  readonly index: number;
}

/**
 * The calling thread's side of a pool of `threads` threads over one shared memory, and what each
 * of its `threads − 1` workers must be started with. The Node and browser pools differ only in
 * how they start the workers (worker_threads, Web Workers); the control block, the split into
 * contiguous ranges of a kernel's output (results do not depend on the thread count) and the
 * wait are these. `run` blocks its thread (`Atomics.wait`) until every piece is done.
 */
export function createPoolCore(
  compiled: CompiledKernels,
  memory: WasmMemory,
  threads: number,
): { pool: ThreadPool; workers: PoolWorkerInit[] } {
  if (threads - 1 > MAX_WORKERS) {
    throw new BackendError(`thread pool: at most ${MAX_WORKERS + 1} threads, asked for ${threads}`);
  }
  const exports = instantiate(compiled, memory);
  const names = Object.keys(exports)
    .filter((n) => typeof exports[n] === "function")
    .sort();
  const ids = new Map(names.map((n, i) => [n, i]));
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const ctl = new Int32Array(control);
  const args = new Float64Array(control, ARGS_BYTE, MAX_ARGS);
  const workers = Array.from({ length: threads - 1 }, (_, index) => ({
    module: compiled.module,
    memory,
    control,
    names,
    index,
  }));

  const pool: ThreadPool = {
    size: threads,
    run(fn, fnArgs, total, grain) {
      const id = ids.get(fn);
      if (id === undefined) throw new BackendError(`thread pool: no kernel named ${fn}`);
      // pieces for every thread to claim in turn: a thread the system delays (a busy core, the
      // garbage collector's threads) takes fewer, and the others take the rest
      const pieces = Math.min(threads * PIECES_PER_THREAD, Math.floor(total / grain));
      const per = Math.ceil(total / grain / pieces) * grain;
      // every piece of the last job is claimed and done: no thread reads these until NEXT says so
      ctl[FN] = id;
      ctl[NARGS] = fnArgs.length;
      fnArgs.forEach((a, i) => (args[i] = a));
      ctl[PER] = per;
      ctl[TOTAL] = total;
      Atomics.store(ctl, FAILED, 0);
      Atomics.store(ctl, DONE, 0);
      Atomics.store(ctl, NEXT, pieces << PIECE_BITS);
      Atomics.add(ctl, SEQ, 1);
      Atomics.notify(ctl, SEQ);
      const kernel = exports[fn]!;
      let thrown: unknown = undefined;
      for (let i = claimPiece(ctl); i >= 0; i = claimPiece(ctl)) {
        try {
          kernel(...fnArgs, i * per, Math.min(total, (i + 1) * per));
        } catch (e) {
          // keep counting: the workers still run this job's other pieces, so wait for them
          thrown ??= e;
          Atomics.store(ctl, FAILED, 1);
        }
        Atomics.add(ctl, DONE, 1);
      }
      // wait for the pieces workers claimed (not for workers still waking: they find none left)
      let spins = 0;
      while (Atomics.load(ctl, DONE) !== pieces && spins++ < SPIN);
      const deadline = performance.now() + TIMEOUT_MS;
      for (let done = Atomics.load(ctl, DONE); done !== pieces; done = Atomics.load(ctl, DONE)) {
        if (performance.now() > deadline) {
          throw new BackendError(`thread pool: ${fn} did not finish ${pieces - done} piece(s)`);
        }
        Atomics.wait(ctl, DONE, done, 1000);
      }
      if (thrown !== undefined) throw thrown;
      if (Atomics.load(ctl, FAILED) !== 0) throw new BackendError(`thread pool: ${fn} failed`);
    },
  };
  return { pool, workers };
}
