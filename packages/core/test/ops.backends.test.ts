/**
 * The op registry on every fast backend: float32 forward against the naive reference, and float32
 * gradients (a vector-Jacobian product in a fixed direction) against the float64 gradients of the
 * JS reference backend, with the float32 tolerances stated in the specs. Then a coverage check:
 * every float32 kernel a backend claims ran on that backend at least once, not through the
 * fallback. Seed and run count: TSGRAD_FC_SEED (default 42), TSGRAD_FC_RUNS.
 */
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import {
  Tensor,
  fusedAdam_,
  grad,
  jsBackend,
  noGrad,
  setBackend,
  tensor,
  type Backend,
  type KernelName,
} from "../src/index.js";
import { FAST_BACKENDS } from "./backends.js";
import { OP_SPECS, type OpSpec, type OpCase } from "./op-specs.js";
import { DEFAULT_TOL } from "./spec-kit.js";
import { assertMatches, buildArgs, configureFastCheck, refArgs } from "./spec-harness.js";

configureFastCheck(20);

const asList = (x: Tensor | readonly Tensor[]): readonly Tensor[] =>
  x instanceof Tensor ? [x] : x;

function on<T>(backend: Backend, fn: () => T): T {
  void setBackend(backend);
  try {
    return fn();
  } finally {
    void setBackend(jsBackend);
  }
}

/**
 * Gradients of Σ_j ⟨out_j, r_j⟩ for a fixed pseudo-random direction r (the same values in both
 * dtypes), with respect to every float input; `null` for inputs the op does not reach.
 */
function vjp(spec: OpSpec, c: OpCase<unknown>, dtype: "float32" | "float64"): (number[] | null)[] {
  const xs = buildArgs(c.args, dtype);
  const outs = asList(spec.fn(xs, c.params)).filter((o) => o.requiresGrad);
  const leaves = xs.filter((x) => x.requiresGrad);
  if (outs.length === 0 || leaves.length === 0) return [];
  const loss = outs
    .map((o, j) => {
      const r = Array.from({ length: o.numel() }, (_, p) => Math.fround(Math.sin(7 * p + j + 1)));
      return o.mul(tensor(r, { dtype: o.dtype }).reshape(o.shape)).sum();
    })
    .reduce((a, b) => a.add(b));
  const gs = grad(loss, leaves, { allowUnused: true });
  return gs.map((g) => (g === null ? null : Array.from(g.dataSync())));
}

function compareGrads(
  name: string,
  got: (number[] | null)[],
  want: (number[] | null)[],
  tol = DEFAULT_TOL.f32grad,
): void {
  got.forEach((g, i) => {
    const w = want[i];
    if ((g === null) !== (w === null || w === undefined))
      throw new Error(`${name}: input ${i} reached in one dtype only`);
    if (g === null || !w) return;
    const bad = g.flatMap((v, p) => {
      const e = w[p]!;
      const ok =
        Math.abs(v - e) <= tol.atol + tol.rtol * Math.abs(e) ||
        (Number.isNaN(v) && Number.isNaN(e));
      return ok ? [] : [`${p}: ${v} vs ${e}`];
    });
    if (bad.length > 0) {
      throw new Error(
        `${name}: gradient of input ${i} differs in ${bad.length} of ${g.length} places ` +
          `(atol ${tol.atol}, rtol ${tol.rtol}):\n  ${bad.slice(0, 8).join("\n  ")}`,
      );
    }
  });
}

for (const [name, backend] of FAST_BACKENDS) {
  describe(`op registry on the ${name} backend (${backend.simd} SIMD)`, () => {
    if (process.execArgv.includes("--experimental-wasm-relaxed-simd")) {
      test("the relaxed-SIMD build is the one under test", () =>
        expect(backend.simd).toBe("relaxed"));
    }
    backend.resetCounts();
    for (const spec of OP_SPECS) {
      test(`${spec.name}: float32 forward and gradients on ${name}`, () => {
        const property = fc.property(spec.cases, (c) => {
          const tol = spec.tol?.f32 ?? DEFAULT_TOL.f32;
          const out = on(backend, () =>
            noGrad(() => spec.fn(buildArgs(c.args, "float32", false), c.params)),
          );
          assertMatches(
            `${spec.name} (${name})`,
            out,
            spec.ref(refArgs(c.args, true), c.params),
            "float32",
            tol,
          );
          if (spec.differentiable === false) return;
          const got = on(backend, () => vjp(spec, c, "float32"));
          const want = vjp(spec, c, "float64");
          compareGrads(`${spec.name} (${name})`, got, want, spec.tol?.f32grad);
        });
        fc.assert(property, spec.runs === undefined ? {} : { numRuns: spec.runs });
      });
    }

    // the one kernel outside the registry (in place, no gradient): the optimizers' fused Adam
    test(`fused Adam/AdamW step on ${name} equals the JS reference`, () => {
      const sizes = [1, 7, 300, 4099];
      const make = (seed: number, n: number): Tensor =>
        tensor(Array.from({ length: n }, (_, p) => Math.sin(seed + 3.7 * p) * (seed % 3)));
      const run = (b: Backend, decoupled: boolean): number[][] =>
        on(b, () => {
          const params = sizes.map((n, i) => make(i + 1, n));
          const avgs = sizes.map((n, i) =>
            make(i + 11, n)
              .abs()
              .mul(0.1),
          );
          const sqs = sizes.map((n, i) =>
            make(i + 21, n)
              .abs()
              .mul(0.01),
          );
          const grads = sizes.map((n, i) => make(i + 31, n));
          const options = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8 };
          fusedAdam_(params, grads, avgs, sqs, {
            ...options,
            weightDecay: 0.01,
            decoupled,
            steps: [1, 2, 3, 10],
          });
          return [...params, ...avgs, ...sqs].map((t) => Array.from(t.dataSync()));
        });
      for (const decoupled of [false, true]) {
        expect(run(backend, decoupled)).toEqual(run(jsBackend, decoupled));
      }
    });

    // runs after the registry tests above (vitest runs a file's tests in order)
    test(`every kernel the ${name} backend claims ran on it`, () => {
      const idle = backend.claimed.filter((k: KernelName) => backend.counts.get(k)!.fast === 0);
      expect(idle, `claimed by ${name} but never run there`).toEqual([]);
    });
  });
}

afterAll(() => void setBackend(jsBackend));
