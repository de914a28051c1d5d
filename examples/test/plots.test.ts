/** curves.svg as rendered: whole-number epoch ticks, titled y axes, loss ticks around the data. */
import { describe, expect, test } from "vitest";
import { bracketTicks, integerTicks, renderSvg, svgAxisLabels } from "../lib/plots.js";
import { curvesChart, type EpochRecord } from "../lib/run-record.js";

/** Synthetic metrics of an `n`-epoch run: the loss falls from 0.63, accuracy rises. */
function metrics(n: number): EpochRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    trainLoss: 0.63 / (1 + 0.4 * i),
    trainAccuracy: 0.77 + 0.02 * i,
    testAccuracy: 0.76 + 0.018 * i,
    lrStart: 0.001,
    lrEnd: 0.001,
    trainSeconds: 10,
    evalSeconds: 1,
    samplesPerSecond: 100,
    backend: "js",
    memory: { heapUsed: 1, external: 1, arenaBytes: 0, rss: 1, gc: false },
  }));
}

describe("curves.svg", () => {
  for (const n of [1, 3, 7]) {
    test(`after ${n} epoch(s): epoch ticks 1…${n}, and ticks that bracket loss and accuracy`, async () => {
      const epochs = metrics(n);
      const axes = svgAxisLabels(await renderSvg(curvesChart(epochs)));
      expect([...axes.keys()].sort()).toEqual(["X:epoch", "Y:accuracy (%)", "Y:train loss"]);
      // both panels have the same epoch axis: 1, 2, …, n and nothing else
      const ticks = Array.from({ length: n }, (_, i) => String(i + 1));
      expect(axes.get("X:epoch")).toEqual([...ticks, ...ticks]);

      const bracket = (key: string, values: number[]) => {
        const labels = axes.get(key)!.map(Number);
        expect(labels.length).toBeGreaterThanOrEqual(3);
        expect(labels.every(Number.isFinite)).toBe(true);
        expect(labels[0]!).toBeLessThanOrEqual(Math.min(...values));
        expect(labels.at(-1)!).toBeGreaterThanOrEqual(Math.max(...values));
        // evenly spaced, increasing
        const steps = labels.slice(1).map((v, i) => v - labels[i]!);
        for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 9);
        expect(steps[0]!).toBeGreaterThan(0);
      };
      bracket(
        "Y:train loss",
        epochs.map((e) => e.trainLoss),
      );
      bracket(
        "Y:accuracy (%)",
        epochs.flatMap((e) => [100 * e.trainAccuracy, 100 * e.testAccuracy]),
      );
    });
  }

  test("a 1-epoch loss of 0.63 sits between ticks, not on a tick labelled 1", async () => {
    const axes = svgAxisLabels(await renderSvg(curvesChart(metrics(1))));
    expect(axes.get("Y:train loss")).toEqual(["0.58", "0.60", "0.62", "0.64", "0.66", "0.68"]);
  });
});

describe("tick helpers", () => {
  test.each([
    [0.63, 0.63],
    [0.2, 2.3],
    [81.5, 92.25],
    [-3, 4],
    [0, 0],
    [1e-4, 3e-4],
  ])("bracketTicks(%d, %d) are round, evenly spaced and cover the range", (lo, hi) => {
    const { values, domain } = bracketTicks(lo, hi);
    expect(values[0]!).toBeLessThanOrEqual(lo);
    expect(values.at(-1)!).toBeGreaterThanOrEqual(hi);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values.length).toBeLessThanOrEqual(11);
    expect(domain).toEqual([values[0], values.at(-1)]);
  });

  test("integerTicks: every epoch up to 10, then every k-th", () => {
    expect(integerTicks(1).values).toEqual([1]);
    expect(integerTicks(7).values).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(integerTicks(25).values).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25]);
    expect(integerTicks(7).domain).toEqual([0.5, 7.5]);
  });
});
