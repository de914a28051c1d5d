// `npm run test:browser` (after `npm run demo:build`): the browser test alone, which `npm test`
// leaves out. With TSGRAD_TEST_REPORT set it writes a JSON report too, which .ci/run adds to its
// closing summary.
import { fileURLToPath } from "node:url";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const report = process.env["TSGRAD_TEST_REPORT"];

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  ssr: { resolve: { conditions: ["@tsgrad/source", ...defaultServerConditions] } },
  test: {
    include: ["examples/browser/test/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    setupFiles: ["./vitest.setup.ts"],
    reporters: report ? ["default", "json"] : ["default"],
    ...(report ? { outputFile: { json: report } } : {}),
  },
});
