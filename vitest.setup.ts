// Loads @tsgrad/core through its Node entry, which selects the default backend (wasm, with a
// worker pool; TSGRAD_BACKEND / TSGRAD_THREADS override) before any test runs.
import "@tsgrad/core";
