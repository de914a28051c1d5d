/** Progress without a terminal: one plain line per 10 s of an epoch, never a bar. */
import { describe, expect, test } from "vitest";
import { PlainProgress, formatDuration } from "../lib/progress.js";

describe("PlainProgress", () => {
  test("prints epoch, step, loss, samples/s and ETA at most every 10 s", () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new PlainProgress(
      (l) => lines.push(l),
      5,
      10_000,
      () => now,
    );
    progress.start(2, 600);
    for (let step = 1; step <= 600; step++) {
      now = step * 500; // 0.5 s per step
      progress.update({ done: step, loss: 1 / step, samplesPerSecond: 200 });
    }
    progress.stop();
    // 300 s of steps: a line at 10 s, 20 s, …, 290 s (none at the end: the epoch line follows)
    expect(lines).toHaveLength(29);
    expect(lines[0]).toBe("epoch 2/5, step 20/600, loss 0.0500, 200 samples/s, ETA 4m50s");
    expect(lines.at(-1)).toBe("epoch 2/5, step 580/600, loss 0.0017, 200 samples/s, ETA 10s");
  });

  test("a short epoch prints nothing", () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new PlainProgress(
      (l) => lines.push(l),
      1,
      10_000,
      () => now,
    );
    progress.start(1, 3);
    for (let step = 1; step <= 3; step++) {
      now = step * 1000;
      progress.update({ done: step, loss: 1, samplesPerSecond: 100 });
    }
    expect(lines).toEqual([]);
  });

  test.each([
    [0, "0s"],
    [59.4, "59s"],
    [65, "1m05s"],
    [3725, "1h02m"],
    [Infinity, "?"],
  ])("formatDuration(%d) = %s", (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
