/**
 * The kernel backends the examples accept for `--backend` and `--threads`, in one place: the
 * flags' accepted values, defaults and help text come from here. The backend is how a run is
 * computed, not what it computes, so it is not part of a run's identity: a run may be resumed on
 * another backend or thread count.
 */
import { getBackend, setBackend, type BackendName } from "@tsgrad/core";
import { choice, integer, type Flag } from "./flags.js";

/** Backend names `--backend` accepts; the first is the default. */
export const BACKEND_NAMES = ["wasm", "js"] as const satisfies readonly BackendName[];

/** One of {@link BACKEND_NAMES}. */
export type ExampleBackend = (typeof BACKEND_NAMES)[number];

/** The `--backend` flag. */
export const backendFlag: Flag<ExampleBackend> = choice(
  "kernel backend: wasm (WebAssembly SIMD with worker threads) or js (the reference); not part " +
    "of the run (a run may resume on another)",
  BACKEND_NAMES,
);

/** The `--threads` flag (wasm only; default: every core). */
export const threadsFlag: Flag<number | undefined> = integer(
  "threads for the wasm backend's large kernels (default: every core)",
  { min: 1 },
);

/**
 * Makes `name` the backend that runs every kernel from now on, and returns what runs, e.g.
 * `wasm (relaxed SIMD, 2 threads)` or `js`.
 */
export async function useBackend(name: ExampleBackend, threads?: number): Promise<string> {
  await setBackend(name, threads === undefined ? {} : { threads });
  const b = getBackend();
  return b.name === "js"
    ? "js"
    : `${b.name} (${b.simd} SIMD, ${b.threads} thread${b.threads === 1 ? "" : "s"})`;
}
