/**
 * The Node entry point of `@tsgrad/core`: everything `index.ts` exports, with the wasm backend and
 * its worker-thread pool selected at import (see `backend/node-default.ts`).
 */
export * from "./index.js";
import "./backend/node-default.js";
