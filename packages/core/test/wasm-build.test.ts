/**
 * The generated wasm module is current, the two SIMD builds load as advertised, and the worker
 * loop (plain JavaScript) agrees with the pool's control-block layout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { sourceHash as builtFrom, wasmBuilds } from "../src/backend/wasm/generated/kernels.js";
import { compileKernelsSync, createMemory, instantiate } from "../src/backend/wasm/module.js";
import * as protocol from "../src/backend/wasm/pool-protocol.js";
import { sourceHash } from "../scripts/wasm-source-hash.mjs";

const pkg = join(import.meta.dirname, "..");

describe("wasm build", () => {
  test("the generated module was built from the current kernel sources", () => {
    expect(
      builtFrom,
      "stale: run `node packages/core/scripts/build-wasm.mjs` (npm ci does it)",
    ).toBe(sourceHash(join(pkg, "assembly")));
  });

  test.each([true, false])(
    "shared memory %s: the plain build always loads; relaxed only where the engine validates it",
    (shared) => {
      const plain = compileKernelsSync("plain", shared);
      expect([plain.variant, plain.shared]).toEqual(["plain", shared]);
      expect(instantiate(plain, createMemory(1, shared))["simdVariant"]!()).toBe(0);
      // the memory must be what the module imports
      expect(() => instantiate(plain, createMemory(1, !shared))).toThrow();
      if (WebAssembly.validate(Buffer.from(wasmBuilds.relaxed.shared, "base64"))) {
        const relaxed = compileKernelsSync("relaxed", shared);
        expect(instantiate(relaxed, createMemory(1, shared))["simdVariant"]!()).toBe(1);
      } else {
        expect(() => compileKernelsSync("relaxed", shared)).toThrow(
          /relaxed SIMD is not supported/,
        );
      }
    },
  );

  test("the worker loop uses the pool's control-block layout", () => {
    const worker = readFileSync(join(pkg, "src/backend/wasm/pool-loop.mjs"), "utf8");
    for (const name of [
      "SEQ",
      "DONE",
      "FAILED",
      "FN",
      "NARGS",
      "NEXT",
      "PER",
      "TOTAL",
      "PIECE_BITS",
    ]) {
      const m = new RegExp(`const ${name} = (\\d+);`).exec(worker);
      expect(m?.[1], name).toBe(String(protocol[name as keyof typeof protocol]));
    }
    expect(worker).toContain(`const ARGS_BYTE = 4 * ${protocol.ARGS_BYTE / 4};`);
  });
});
