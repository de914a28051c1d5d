// Worker entry of the Node thread pool: the shared loop (pool-loop.mjs) over what the pool passed
// in workerData.
import { workerData } from "node:worker_threads";
import { serveKernels } from "./pool-loop.mjs";

serveKernels(workerData);
