/**
 * `@tsgrad/core/web`: what a browser page adds to `@tsgrad/core` — the wasm backend's thread pool
 * over module Web Workers sharing one memory (for a cross-origin isolated page, run from a Web
 * Worker). Import it only in browser code; Node's entry has its own pool.
 *
 * @packageDocumentation
 * @module @tsgrad/core/web
 */
export { registerWebWorkerPool } from "./backend/wasm/pool-web.js";
