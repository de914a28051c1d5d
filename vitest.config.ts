import { defineConfig } from "vitest/config";

// CI sets TSGRAD_TEST_REPORT to get a JSON report besides the console output (.ci/run prints a
// plain "N passed, N failed" summary from it).
const report = process.env["TSGRAD_TEST_REPORT"];

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/test/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
    // memory tests call gc() between iterations to check that memoryStats() stays bounded
    execArgv: ["--expose-gc"],
    reporters: report ? ["default", "json"] : ["default"],
    ...(report ? { outputFile: { json: report } } : {}),
  },
});
