// Worker entry of the browser thread pool (a module Web Worker): the first message carries what
// the loop needs (pool-loop.mjs); "ready" goes back once the kernels are instantiated, so the pool
// never blocks its thread on a worker that has not started yet.
import { serveKernels } from "./pool-loop.mjs";

self.onmessage = (event) => {
  self.onmessage = null;
  serveKernels(event.data, () => self.postMessage("ready"));
};
