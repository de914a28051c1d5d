/**
 * `functional.ts` is the one list of torch.nn.functional's ops: core exports it whole, and every
 * public op of the functional families (activations, losses, conv, pooling, norm, dropout) is on
 * it, so an op added to core cannot miss `@tsgrad/nn`'s `F` (which re-exports the list whole).
 */
import { describe, expect, test } from "vitest";
import * as core from "../src/index.js";
import * as functional from "../src/functional.js";
import * as activation from "../src/ops/activation.js";
import * as conv from "../src/ops/conv.js";
import * as convTranspose from "../src/ops/conv-transpose.js";
import * as crossEntropy from "../src/ops/cross-entropy.js";
import * as dropout from "../src/ops/dropout.js";
import * as loss from "../src/ops/loss.js";
import * as norm from "../src/ops/norm.js";
import * as pool from "../src/ops/pool.js";

const FAMILIES = { activation, conv, convTranspose, crossEntropy, dropout, loss, norm, pool };
/** Public ops of those families that PyTorch keeps elsewhere (`torch.nn.grad`). */
const ELSEWHERE = new Set(["conv2dBackwardInput", "conv2dBackwardWeight"]);

describe("the functional list", () => {
  test("core exports every op of functional.ts, the same function", () => {
    const ops = Object.entries(functional);
    expect(ops.length).toBeGreaterThan(20);
    for (const [name, op] of ops) expect(core[name as keyof typeof core], name).toBe(op);
  });

  test("every public op of the functional families is on it", () => {
    const missing: string[] = [];
    for (const [family, module] of Object.entries(FAMILIES)) {
      for (const [name, value] of Object.entries(module)) {
        const isPublic = core[name as keyof typeof core] === value;
        if (
          typeof value === "function" &&
          isPublic &&
          !ELSEWHERE.has(name) &&
          !(name in functional)
        ) {
          missing.push(`${name} (ops/${family})`);
        }
      }
    }
    expect(missing, "add them to packages/core/src/functional.ts").toEqual([]);
  });
});
