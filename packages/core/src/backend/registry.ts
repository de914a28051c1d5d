import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";

let current: Backend = jsBackend;

/** The backend that runs kernels now. */
export function getBackend(): Backend {
  return current;
}

/** Pins the backend that runs all subsequent kernels. */
export function setBackend(backend: Backend): void {
  current = backend;
}
