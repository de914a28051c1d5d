import { ValueError, div, mul, type Tensor } from "@tsgrad/core";

/** Formats a tensor's shape the way error messages print it: `[2, 3]`. */
export function fmtShapeOf(t: Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

/** Throws `ValueError("<owner>: invalid <what>: <value> (expected <expected>)")` unless `ok`. */
export function check(
  ok: boolean,
  owner: string,
  what: string,
  value: unknown,
  expected: string,
): void {
  if (!ok) {
    const shown = Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
    throw new ValueError(`${owner}: invalid ${what}: ${shown} (expected ${expected})`);
  }
}

/** Checks `value ≥ 0` (NaN fails). */
export function checkNonNegative(owner: string, what: string, value: number): void {
  check(typeof value === "number" && value >= 0, owner, what, value, "a number ≥ 0");
}

/** `x += value·t1·t2` in place, evaluated as PyTorch's `addcmul_` does: `x + (value·t1)·t2`. */
export function addcmul_(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return x.add_(mul(value === 1 ? t1 : mul(t1, value), t2));
}

/** `x += value·t1/t2` in place, evaluated as PyTorch's `addcdiv_` does: `x + (value·t1)/t2`. */
export function addcdiv_(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return x.add_(div(value === 1 ? t1 : mul(t1, value), t2));
}
