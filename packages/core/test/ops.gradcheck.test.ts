/**
 * Generated gradient tests: every differentiable op's backward against float64 central
 * differences (`gradcheck`); non-differentiable ops must return outputs that do not require grad.
 * Seed and run count: TSGRAD_FC_SEED (default 42), TSGRAD_FC_RUNS.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import { Tensor, gradcheck } from "../src/index.js";
import { OP_SPECS } from "./op-specs.js";
import { DEFAULT_TOL } from "./spec-kit.js";
import { buildArgs, configureFastCheck } from "./spec-harness.js";

configureFastCheck(12);

const asList = (x: Tensor | readonly Tensor[]): readonly Tensor[] =>
  x instanceof Tensor ? [x] : x;

describe("op gradients vs central differences", () => {
  for (const spec of OP_SPECS) {
    const differentiable = spec.differentiable ?? true;
    const title = differentiable
      ? `${spec.name}: backward matches float64 central differences`
      : `${spec.name}: outputs do not require grad`;
    test(title, () => {
      const property = fc.property(spec.cases, (c) => {
        const xs = buildArgs(c.args, "float64");
        if (!differentiable) {
          asList(spec.fn(xs, c.params)).forEach((o, j) => {
            if (o.requiresGrad) throw new Error(`${spec.name}: output ${j} requires grad`);
          });
          return;
        }
        const tol = spec.tol?.grad ?? DEFAULT_TOL.grad;
        gradcheck((...ins) => spec.fn(ins, c.params), xs, tol);
      });
      fc.assert(property, spec.runs === undefined ? {} : { numRuns: spec.runs });
    });
  }
});
