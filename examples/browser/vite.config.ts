// The browser demo (`npm run demo`, `npm run demo:build`, and `vite preview` in the browser test).
// Both servers send the two headers that make the page cross-origin isolated, so its workers may
// share the wasm memory; the packages resolve to their TypeScript sources, as everywhere in the
// monorepo; workers are ES modules (the training worker starts the pool's workers itself).
import { fileURLToPath } from "node:url";
import { defaultClientConditions, defineConfig } from "vite";

/** Cross-origin isolation: `SharedArrayBuffer`, hence threads, only with these. */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: { conditions: ["@tsgrad/source", ...defaultClientConditions] },
  worker: { format: "es" },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
