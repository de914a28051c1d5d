// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/dist/**",
      "**/runs/**",
      "bench/out/**",
      "packages/core/assembly/**",
      "**/generated/**",
      "docs/api/**",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
  // the browser pool's worker entry runs in a Web Worker
  { files: ["**/pool-worker-web.mjs"], languageOptions: { globals: globals.worker } },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
);
