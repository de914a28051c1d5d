/** Indexing and joining: cat, stack, gather, scatterAdd, indexSelect, indexAdd, pad. */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { reshapeRef } from "../reference.js";
import {
  catRef,
  gatherRef,
  indexAddRef,
  indexSelectRef,
  padRef,
  scatterAddRef,
} from "../reference-indexing.js";
import { caseOf, defineSpec, dimOf, floatArg, indexArg, shapes } from "../spec-kit.js";

const norm = (d: number, n: number): number => (d < 0 ? d + n : d);

/** x of shape s, a dim, and an index shape of the same rank fitting inside s off the dim. */
const gatherShapes = shapes({ minDims: 1 }).chain((s) =>
  dimOf(s.length).chain((dim) =>
    fc
      .tuple(
        ...s.map((n, k) =>
          k === norm(dim, s.length)
            ? fc.integer({ min: 1, max: 4 })
            : fc.integer({ min: 1, max: n }),
        ),
      )
      .map((idx) => ({ s, dim, idx })),
  ),
);

/** x of shape s, a dim, and a 1-D index length m along it. */
const selectShapes = shapes({ minDims: 1 }).chain((s) =>
  fc.record({ s: fc.constant(s), dim: dimOf(s.length), m: fc.integer({ min: 0, max: 4 }) }),
);

/** Indexing specs. */
export const INDEXING_SPECS: readonly OpSpec[] = [
  defineSpec({
    name: "cat (2-3 tensors, any dim)",
    cases: shapes({ minDims: 1 }).chain((s) =>
      fc
        .record({
          dim: dimOf(s.length),
          sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 3 }),
        })
        .chain(({ dim, sizes }) =>
          caseOf(
            sizes.map((n) =>
              floatArg(
                s.map((v, k) => (k === norm(dim, s.length) ? n : v)),
                { layouts: true },
              ),
            ),
            fc.constant({ dim }),
          ),
        ),
    ),
    fn: (xs, p) => T.cat(xs, p.dim),
    ref: (xs, p) => catRef(xs, p.dim),
  }),
  defineSpec({
    name: "stack (2-3 tensors, any dim)",
    cases: shapes().chain((s) =>
      fc
        .record({ dim: dimOf(s.length + 1), n: fc.integer({ min: 2, max: 3 }) })
        .chain(({ dim, n }) =>
          caseOf(
            Array.from({ length: n }, () => floatArg(s, { layouts: true })),
            fc.constant({ dim }),
          ),
        ),
    ),
    fn: (xs, p) => T.stack(xs, p.dim),
    ref: (xs, p) => {
      const d = norm(p.dim, xs[0]!.shape.length + 1);
      const grown = xs.map((x) => reshapeRef(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]));
      return catRef(grown, d);
    },
  }),
  defineSpec({
    name: "gather",
    cases: gatherShapes.chain(({ s, dim, idx }) =>
      caseOf(
        [floatArg(s, { layouts: true }), indexArg(idx, s[norm(dim, s.length)]!)],
        fc.constant({ dim }),
      ),
    ),
    fn: ([x, i], p) => T.gather(x!, p.dim, i!),
    ref: ([x, i], p) => gatherRef(x!, p.dim, i!),
  }),
  defineSpec({
    name: "scatterAdd (repeated indices accumulate)",
    cases: gatherShapes.chain(({ s, dim, idx }) =>
      caseOf(
        [floatArg(s, { layouts: true }), indexArg(idx, s[norm(dim, s.length)]!), floatArg(idx)],
        fc.constant({ dim }),
      ),
    ),
    fn: ([x, i, src], p) => T.scatterAdd(x!, p.dim, i!, src!),
    ref: ([x, i, src], p) => scatterAddRef(x!, p.dim, i!, src!),
  }),
  defineSpec({
    name: "indexSelect",
    cases: selectShapes.chain(({ s, dim, m }) =>
      caseOf(
        [floatArg(s, { layouts: true }), indexArg([m], s[norm(dim, s.length)]!)],
        fc.constant({ dim }),
      ),
    ),
    fn: ([x, i], p) => T.indexSelect(x!, p.dim, i!),
    ref: ([x, i], p) => indexSelectRef(x!, p.dim, i!.data),
  }),
  defineSpec({
    name: "indexAdd (alpha, repeated indices)",
    cases: selectShapes.chain(({ s, dim, m }) => {
      const d = norm(dim, s.length);
      const src = s.map((v, k) => (k === d ? m : v));
      return caseOf(
        [floatArg(s), indexArg([m], s[d]!), floatArg(src, { layouts: true })],
        fc.record({ dim: fc.constant(dim), alpha: fc.constantFrom(1, -0.5, 2) }),
      );
    }),
    fn: ([x, i, src], p) => T.indexAdd(x!, p.dim, i!, src!, p.alpha),
    ref: ([x, i, src], p) => indexAddRef(x!, p.dim, i!.data, src!, p.alpha),
  }),
  defineSpec({
    name: "pad (constant)",
    cases: shapes({ minDims: 1 }).chain((s) =>
      caseOf(
        [floatArg(s, { layouts: true })],
        fc.record({
          pads: fc
            .integer({ min: 1, max: s.length })
            .chain((k) => fc.array(fc.nat(2), { minLength: 2 * k, maxLength: 2 * k })),
          value: fc.constantFrom(0, -1.5),
        }),
      ),
    ),
    fn: ([x], p) => T.pad(x!, p.pads, p.value),
    ref: ([x], p) => padRef(x!, p.pads, p.value),
  }),
];
