import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/test/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
    // memory tests call gc() between iterations to check that memoryStats() stays bounded
    execArgv: ["--expose-gc"],
  },
});
