/** `F` is core's functional list (`@tsgrad/core/functional`) whole, plus `linear`. */
import * as functional from "@tsgrad/core/functional";
import { expect, test } from "vitest";
import { F } from "../src/index.js";

test("F has every op of @tsgrad/core/functional, the same function, and linear", () => {
  for (const [name, op] of Object.entries(functional)) {
    expect(F[name as keyof typeof F], name).toBe(op);
  }
  expect(Object.keys(F).sort()).toEqual([...Object.keys(functional), "linear"].sort());
});
