/**
 * The kernel backends the examples accept for `--backend`, in one place: the flag's accepted
 * values, its default (the first) and its help text all come from this list. The backend is how
 * a run is computed, not what it computes, so it is not part of a run's identity: a run may be
 * resumed on another backend.
 */
import { setBackend, type BackendName } from "@tsgrad/core";
import { choice, type Flag } from "./flags.js";

/** Backend names `--backend` accepts; the first is the default. */
export const BACKEND_NAMES = ["js"] as const satisfies readonly BackendName[];

/** One of {@link BACKEND_NAMES}. */
export type ExampleBackend = (typeof BACKEND_NAMES)[number];

/** The `--backend` flag. */
export const backendFlag: Flag<ExampleBackend> = choice(
  "kernel backend, not part of the run (a run may resume on another)",
  BACKEND_NAMES,
);

/** Makes `name` the backend that runs every kernel from now on. */
export async function useBackend(name: ExampleBackend): Promise<void> {
  await setBackend(name);
}
