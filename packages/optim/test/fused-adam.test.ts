import {
  Generator,
  getBackend,
  jsBackend,
  noGrad,
  randn,
  setBackend,
  type DType,
  type Tensor,
} from "@tsgrad/core";
import { Adam, AdamW, type AdamOptions } from "@tsgrad/optim";
import { afterAll, describe, expect, test } from "vitest";
import { adamInit, adamUpdate, type AdamState } from "../src/adam.js";

// Adam and AdamW update plain groups (no AMSGrad, no maximize) with one fused kernel call; it must
// give exactly the parameters and moments of the per-parameter tensor-op rule `adamUpdate`, on
// the reference backend and on the default one (wasm for float32 in Node).

const initial = getBackend();
afterAll(() => void setBackend(initial));

const SHAPES = [[8, 1, 3, 3], [8], [4, 72], [4]];

/** Leaves with random values, and a fixed random gradient per step and parameter. */
function setup(dtype: DType): { params: Tensor[]; grads: Tensor[][] } {
  const gen = new Generator(11);
  const params = SHAPES.map((s) => randn(s, { generator: gen, dtype }).requiresGrad_());
  const grads = Array.from({ length: 4 }, () =>
    SHAPES.map((s) => randn(s, { generator: gen, dtype })),
  );
  return { params, grads };
}

/** Runs 4 steps: parameter 1 gets no gradient in step 0, so its step count lags. */
function trajectory(dtype: DType, fused: boolean, decoupled: boolean, o: AdamOptions): number[][] {
  const { params, grads } = setup(dtype);
  const Opt = decoupled ? AdamW : Adam;
  const opt = new Opt([{ params: params.slice(0, 2) }, { params: params.slice(2), lr: 0.05 }], o);
  const states = new Map<Tensor, AdamState>();
  grads.forEach((gs, step) => {
    params.forEach((p, i) => (p.grad = step === 0 && i === 1 ? null : gs[i]!.clone()));
    if (fused) {
      opt.step();
      return;
    }
    noGrad(() =>
      opt.paramGroups.forEach((group) => {
        for (const p of group.params.filter((q) => q.grad !== null)) {
          const s = states.get(p) ?? adamInit(p, group);
          states.set(p, s);
          adamUpdate(p, p.grad!, s, group, decoupled);
        }
      }),
    );
  });
  const moments = fused ? [...opt.state.values()] : [...states.values()];
  return [
    ...params.map((p) => Array.from(p.dataSync())),
    ...moments.flatMap((s) => [Array.from(s.expAvg.dataSync()), Array.from(s.expAvgSq.dataSync())]),
  ];
}

const CASES: [string, boolean, AdamOptions][] = [
  ["Adam", false, {}],
  ["Adam with L2 weight decay", false, { weightDecay: 0.1, betas: [0.8, 0.95] }],
  ["AdamW", true, {}],
  ["AdamW with eps 1e-3", true, { eps: 1e-3, weightDecay: 0.3 }],
];

describe("the fused Adam step equals adamUpdate parameter by parameter", () => {
  for (const backend of ["js", "default"] as const) {
    for (const dtype of ["float64", "float32"] as const) {
      test.each(CASES)(`%s (${dtype}, ${backend} backend)`, (_, decoupled, o) => {
        void setBackend(backend === "js" ? jsBackend : initial);
        const fused = trajectory(dtype, true, decoupled, o);
        const reference = trajectory(dtype, false, decoupled, o);
        expect(fused).toEqual(reference);
      });
    }
  }
});
