// The worker side of the wasm thread pool, shared by its two worker entries (plain JavaScript, so
// Node runs it without a TypeScript loader and a bundler copies it as is): pool-worker.mjs (Node's
// worker_threads) and pool-worker-web.mjs (browser Web Workers). It instantiates the kernels over
// the shared memory, then waits for jobs on the control block (layout in pool-protocol.ts, whose
// numbers it repeats; a test checks they agree), claims pieces of each job until none is left, and
// reports back.

const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const FN = 3;
const NARGS = 4;
const NEXT = 5;
const PER = 7;
const TOTAL = 8;
const PIECE_BITS = 16;
const ARGS_BYTE = 4 * 16;
const SPIN = 20000;

/**
 * Serves kernel chunks forever. `init` is what the pool sends each worker: the compiled `module`,
 * the shared `memory`, the `control` block, the sorted export `names` and this worker's `index`.
 * `ready` is called once the kernels are instantiated, before the first wait.
 */
export function serveKernels(init, ready = () => {}) {
  const { module, memory, control, names, index } = init;
  const abort = () => {
    throw new Error("wasm kernel aborted");
  };
  const exports = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
  const fns = names.map((n) => exports[n]);
  const ctl = new Int32Array(control);
  const args = new Float64Array(control, ARGS_BYTE);
  ready();

  // jobs posted before this worker started count too (Node does not wait for its workers)
  let seen = 0;
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, SEQ) === seen && spins++ < SPIN);
    if (Atomics.load(ctl, SEQ) === seen) Atomics.wait(ctl, SEQ, seen);
    seen = Atomics.load(ctl, SEQ);
    // claim pieces until none is left (the calling thread and the other workers claim too); a
    // claim is of the live job, whose caller waits for the piece, so its parameters hold still
    for (;;) {
      const word = Atomics.load(ctl, NEXT);
      const i = word & ((1 << PIECE_BITS) - 1);
      const pieces = word >>> PIECE_BITS;
      if (i >= pieces) break;
      if (Atomics.compareExchange(ctl, NEXT, word, word + 1) !== word) continue;
      const fn = fns[ctl[FN]];
      const n = ctl[NARGS];
      const per = ctl[PER];
      const a = new Array(n + 2);
      for (let k = 0; k < n; k++) a[k] = args[k];
      a[n] = i * per;
      a[n + 1] = Math.min(ctl[TOTAL], (i + 1) * per);
      try {
        fn(...a);
      } catch (e) {
        Atomics.store(ctl, FAILED, 1);
        console.error(`tsgrad worker ${index}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (Atomics.add(ctl, DONE, 1) === pieces - 1) Atomics.notify(ctl, DONE);
    }
  }
}
