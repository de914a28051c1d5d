/** Linear algebra: matmul (1-D, 2-D, batched with broadcast batch dims), bmm. */
import fc from "fast-check";
import * as T from "../../src/index.js";
import type { OpSpec } from "../op-specs.js";
import { matmulRef } from "../reference.js";
import { broadcastShapes, caseOf, defineSpec, floatArg } from "../spec-kit.js";

const size = fc.integer({ min: 1, max: 4 });

/** matmul of operands shaped `left(M, K)` and `right(K, N)`. */
function matmulSpec(
  name: string,
  left: (m: number, k: number) => number[],
  right: (k: number, n: number) => number[],
): OpSpec {
  return defineSpec({
    name: `matmul (${name})`,
    cases: fc
      .tuple(size, size, size)
      .chain(([m, k, n]) =>
        caseOf([floatArg(left(m, k), { layouts: true }), floatArg(right(k, n), { layouts: true })]),
      ),
    fn: ([a, b]) => T.matmul(a!, b!),
    ref: ([a, b]) => matmulRef(a!, b!),
  });
}

/** Linear-algebra specs. */
export const LINALG_SPECS: readonly OpSpec[] = [
  matmulSpec(
    "1-D @ 1-D",
    (_m, k) => [k],
    (k) => [k],
  ),
  matmulSpec(
    "1-D @ 2-D",
    (_m, k) => [k],
    (k, n) => [k, n],
  ),
  matmulSpec(
    "2-D @ 1-D",
    (m, k) => [m, k],
    (k) => [k],
  ),
  matmulSpec(
    "2-D @ 2-D",
    (m, k) => [m, k],
    (k, n) => [k, n],
  ),
  matmulSpec(
    "3-D @ 2-D",
    (m, k) => [2, m, k],
    (k, n) => [k, n],
  ),
  matmulSpec(
    "1-D @ 3-D",
    (_m, k) => [k],
    (k, n) => [3, k, n],
  ),
  defineSpec({
    name: "matmul (batched, broadcast batch dims)",
    cases: fc
      .tuple(
        broadcastShapes(2, { maxDims: 2, maxSize: 2 }),
        size,
        size,
        fc.integer({ min: 1, max: 3 }),
      )
      .chain(([[ba, bb], m, k, n]) =>
        caseOf([
          floatArg([...ba!, m, k], { layouts: true }),
          floatArg([...bb!, k, n], { layouts: true }),
        ]),
      ),
    fn: ([a, b]) => T.matmul(a!, b!),
    ref: ([a, b]) => matmulRef(a!, b!),
  }),
  defineSpec({
    name: "bmm",
    cases: fc
      .tuple(fc.integer({ min: 1, max: 3 }), size, size, size)
      .chain(([b, m, k, n]) =>
        caseOf([floatArg([b, m, k], { layouts: true }), floatArg([b, k, n], { layouts: true })]),
      ),
    fn: ([a, b]) => T.bmm(a!, b!),
    ref: ([a, b]) => matmulRef(a!, b!),
  }),
];
