// The worker side of the wasm thread pool, shared by its two worker entries (plain JavaScript, so
// Node runs it without a TypeScript loader and a bundler copies it as is): pool-worker.mjs (Node's
// worker_threads) and pool-worker-web.mjs (browser Web Workers). It instantiates the kernels over
// the shared memory, then waits for jobs on the control block (layout in pool-protocol.ts, whose
// numbers it repeats; a test checks they agree), runs its chunk, and reports back.

const SEQ = 0;
const PENDING = 1;
const FAILED = 2;
const FN = 3;
const NARGS = 4;
const RANGES = 8;
const MAX_WORKERS = 56;
const ARGS_BYTE = 4 * (RANGES + 2 * MAX_WORKERS);
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
    const start = ctl[RANGES + 2 * index];
    const end = ctl[RANGES + 2 * index + 1];
    if (start < end) {
      try {
        const n = ctl[NARGS];
        const a = new Array(n + 2);
        for (let i = 0; i < n; i++) a[i] = args[i];
        a[n] = start;
        a[n + 1] = end;
        fns[ctl[FN]](...a);
      } catch (e) {
        Atomics.store(ctl, FAILED, 1);
        console.error(`tsgrad worker ${index}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
  }
}
