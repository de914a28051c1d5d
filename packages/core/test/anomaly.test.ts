import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  AnomalyError,
  defineFunction,
  detectAnomaly,
  full,
  isAnomalyEnabled,
  setDetectAnomaly,
  tensor,
  where,
  type Tensor,
} from "../src/index.js";

const THIS_FILE = fileURLToPath(import.meta.url);
/** The line of this file holding `marker` (1-based). */
const lineOf = (marker: string): number =>
  readFileSync(THIS_FILE, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(marker) && !l.includes("lineOf(")) + 1;

/** The AnomalyError `fn` throws (fails the test if it throws something else or nothing). */
function anomalyOf(fn: () => void): AnomalyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnomalyError);
    return e as AnomalyError;
  }
  throw new Error("expected an AnomalyError, got none");
}

afterEach(() => setDetectAnomaly(false));

describe("anomaly mode", () => {
  it("is off by default: NaN flows silently and no creation stack is kept", () => {
    expect(isAnomalyEnabled()).toBe(false);
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const y = x.log();
    expect(Number.isNaN(y.dataSync()[1])).toBe(true);
    expect(y.gradFn!.creationStack).toBeNull();
    y.sum().backward();
    expect(Number.isNaN(x.grad!.dataSync()[1]!)).toBe(false); // 1/x is finite
  });

  it("names the forward op that makes a NaN, with its input shapes", () => {
    const x = tensor([[1, -2, 3]], { requiresGrad: true });
    const e = anomalyOf(() => detectAnomaly(() => x.log()));
    expect(e.op).toBe("log");
    expect(e.value).toBe("NaN");
    expect(e.phase).toBe("forward");
    expect(e.inputShapes).toEqual([[1, 3]]);
    expect(e.forwardOp).toBeNull();
    expect(e.message).toContain("log produced NaN from inputs [1, 3] float32");
    expect(isAnomalyEnabled()).toBe(false); // restored after the throw
  });

  it("reports an infinity made from finite inputs", () => {
    const e = anomalyOf(() => detectAnomaly(() => tensor([1, 1000]).exp()));
    expect([e.op, e.value]).toEqual(["exp", "Inf"]);
  });

  it("names the backward rule that makes a non-finite gradient and where its forward op was created", () => {
    const x = tensor([4, 0, 1], { requiresGrad: true });
    const e = anomalyOf(() =>
      detectAnomaly(() => {
        const y = x.sqrt(); // ANOMALY-SQRT: d√x = 1/(2√x) is infinite at 0
        y.sum().backward();
      }),
    );
    expect(e.phase).toBe("backward");
    expect(e.forwardOp).toBe("sqrt");
    expect(e.op).toBe("div"); // the op inside sqrt's rule that divided by 2√0
    expect(e.value).toBe("Inf");
    expect(e.inputShapes).toEqual([[3], [3]]);
    expect(e.forwardStack).not.toBeNull();
    const top = e.forwardStack!.split("\n")[0]!;
    expect(top).toContain(`anomaly.test.ts:${lineOf("ANOMALY-SQRT")}:`);
    expect(e.message).toContain("in the backward of sqrt. The forward sqrt was created at:");
  });

  it("names the op inside a custom function's forward that makes a NaN", () => {
    const BadLayer = defineFunction({
      name: "badLayer",
      forward(_ctx, x: Tensor) {
        const zero = x.sub(x.detach());
        return zero.div(zero); // 0/0
      },
      backward: (_ctx, g) => [g],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const e = anomalyOf(() => detectAnomaly(() => BadLayer.apply(x)));
    expect([e.op, e.value, e.phase]).toEqual(["div", "NaN", "forward"]);
    expect(e.enclosing).toEqual(["badLayer"]);
    expect(e.message).toContain("inside badLayer");
  });

  it("catches a NaN a custom function returns without computing it with ops", () => {
    const Planted = defineFunction({
      name: "planted",
      forward: (_ctx, x: Tensor) => full(x.shape, NaN),
      backward: (_ctx, g) => [g],
    });
    const e = anomalyOf(() => detectAnomaly(() => Planted.apply(tensor([1, 2]))));
    expect([e.op, e.phase, e.enclosing]).toEqual(["planted", "forward", []]);
  });

  it("names a custom function's backward that returns a NaN gradient, and its creation site", () => {
    const BadGrad = defineFunction({
      name: "badGrad",
      forward: (_ctx, x: Tensor) => x.mul(2),
      backward: (_ctx, g) => [full(g.shape, NaN)],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const e = anomalyOf(() =>
      detectAnomaly(() => {
        BadGrad.apply(x).sum().backward(); // ANOMALY-CUSTOM
      }),
    );
    expect([e.op, e.phase, e.forwardOp]).toEqual(["badGrad", "backward", "badGrad"]);
    expect(e.message).toContain("the backward of badGrad returned NaN in the gradient of input 0");
    expect(e.forwardStack!.split("\n")[0]).toContain(
      `anomaly.test.ts:${lineOf("ANOMALY-CUSTOM")}:`,
    );
  });

  it("passes on NaN and infinities already in the inputs (data, −∞ masks)", () => {
    detectAnomaly(() => {
      const data = tensor([1, NaN, 3], { requiresGrad: true });
      data.mul(2).sum().backward(); // the NaN was in the data: not the op's doing
      const logits = tensor([[0.5, 1, 2]], { requiresGrad: true });
      const mask = tensor([[false, true, false]]);
      const masked = where(mask, -Infinity, logits);
      masked.softmax(-1).select(1, 0).sum().backward();
      expect(logits.grad!.dataSync().every(Number.isFinite)).toBe(true);
    });
  });

  it("has a global switch, and captures creation stacks only while on", () => {
    setDetectAnomaly(true);
    expect(isAnomalyEnabled()).toBe(true);
    const y = tensor([1, 2], { requiresGrad: true }).mul(3);
    expect(y.gradFn!.creationStack).toContain("anomaly.test.ts");
    expect(() => tensor([-1]).log()).toThrow(AnomalyError);
    setDetectAnomaly(false);
    expect(tensor([1], { requiresGrad: true }).mul(3).gradFn!.creationStack).toBeNull();
    expect(() => tensor([-1]).log()).not.toThrow();
  });
});
