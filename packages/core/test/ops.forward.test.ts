/**
 * Generated forward tests: every op in the registry against its naive float64 reference, in
 * float64 (tight tolerance) and float32 (float32 tolerance), on generated shapes and layouts.
 * Seed and run count: TSGRAD_FC_SEED (default 42), TSGRAD_FC_RUNS.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import { OP_SPECS } from "./op-specs.js";
import { DEFAULT_TOL } from "./spec-kit.js";
import { assertMatches, buildArgs, configureFastCheck, refArgs } from "./spec-harness.js";

configureFastCheck(20);

describe("op forward vs reference", () => {
  for (const spec of OP_SPECS) {
    test(`${spec.name}: float64 and float32 match the reference`, () => {
      const property = fc.property(spec.cases, (c) => {
        for (const dtype of ["float64", "float32"] as const) {
          const f32 = dtype === "float32";
          const xs = buildArgs(c.args, dtype);
          const out = spec.fn(xs, c.params);
          const tol = (f32 ? spec.tol?.f32 : spec.tol?.f64) ?? DEFAULT_TOL[f32 ? "f32" : "f64"];
          assertMatches(
            `${spec.name} (${dtype})`,
            out,
            spec.ref(refArgs(c.args, f32), c.params),
            dtype,
            tol,
          );
          // the op must not write into its inputs
          xs.forEach((x, i) => {
            const want = refArgs(c.args, f32)[i]!.data;
            if (Array.from(x.dataSync()).some((v, p) => v !== want[p])) {
              throw new Error(`${spec.name} (${dtype}): input ${i} was modified`);
            }
          });
        }
      });
      fc.assert(property, spec.runs === undefined ? {} : { numRuns: spec.runs });
    });
  }
});
