/**
 * Generated second-derivative tests: `gradgradcheck` for every differentiable op (backward rules
 * are written in differentiable ops, so their gradients must be right too).
 * Seed and run count: TSGRAD_FC_SEED (default 42), TSGRAD_FC_RUNS.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import { gradgradcheck } from "../src/index.js";
import { OP_SPECS } from "./op-specs.js";
import { DEFAULT_TOL } from "./spec-kit.js";
import { buildArgs, configureFastCheck } from "./spec-harness.js";

configureFastCheck(6);

describe("op second derivatives vs central differences", () => {
  for (const spec of OP_SPECS) {
    if (!(spec.gradgrad ?? spec.differentiable ?? true)) continue;
    test(`${spec.name}: double backward matches float64 central differences`, () => {
      const property = fc.property(spec.cases, (c) => {
        const xs = buildArgs(c.args, "float64");
        const tol = spec.tol?.grad ?? DEFAULT_TOL.grad;
        gradgradcheck((...ins) => spec.fn(ins, c.params), xs, undefined, tol);
      });
      fc.assert(property, spec.runs === undefined ? {} : { numRuns: spec.runs });
    });
  }
});
