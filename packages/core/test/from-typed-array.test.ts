import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, fromTypedArray } from "../src/index.js";

describe("fromTypedArray", () => {
  it("wraps the array without copying, with the dtype it implies", () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    const t = fromTypedArray(data, [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBe(data);
    data[4] = 50;
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 50, 6],
    ]);
    expect(fromTypedArray(Int32Array.of(7, 8)).dtype).toBe("int32");
    expect(fromTypedArray(Int32Array.of(7, 8)).shape).toEqual([2]);
    expect(fromTypedArray(Float64Array.of(0.1), []).item()).toBe(0.1);
    expect(fromTypedArray(Float32Array.of(1), [1], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it("rejects a shape of the wrong size and unsupported arrays", () => {
    expect(() => fromTypedArray(Float32Array.of(1, 2, 3), [2, 2])).toThrow(
      "fromTypedArray: shape [2, 2] does not hold 3 elements",
    );
    expect(() => fromTypedArray(Float32Array.of(1), [-1])).toThrow(ShapeError);
    const bytes = Uint8Array.of(1) as unknown as Float32Array;
    expect(() => fromTypedArray(bytes)).toThrow(DTypeError);
  });
});
