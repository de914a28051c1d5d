import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// CI sets TSGRAD_TEST_REPORT to get a JSON report besides the console output (.ci/run prints a
// plain "N passed, N failed" summary from it).
const report = process.env["TSGRAD_TEST_REPORT"];

export default defineConfig({
  // the workspace packages resolve to their TypeScript sources (the "@tsgrad/source" export
  // condition), so tests need no build; Node's own conditions stay, so @tsgrad/core's "node"
  // entry (the wasm backend at import) is the one tests load
  ssr: { resolve: { conditions: ["@tsgrad/source", ...defaultServerConditions] } },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "examples/test/**/*.test.ts",
      "scripts/test/**/*.test.ts",
    ],
    testTimeout: 120_000,
    pool: "forks",
    // memory tests call gc() between iterations to check that memoryStats() stays bounded
    // TSGRAD_RELAXED_SIMD=1 (CI runs the registry once so) lets Node 20 load the relaxed-SIMD build
    execArgv: [
      "--expose-gc",
      ...(process.env["TSGRAD_RELAXED_SIMD"] === "1" ? ["--experimental-wasm-relaxed-simd"] : []),
    ],
    // the Node entry of @tsgrad/core: every test runs on the default backend (wasm), except
    // those that pick one (the op registry runs on each backend explicitly)
    setupFiles: ["./vitest.setup.ts"],
    reporters: report ? ["default", "json"] : ["default"],
    ...(report ? { outputFile: { json: report } } : {}),
  },
});
