/**
 * The live curves, drawn by uPlot: training loss (left axis) and training and test accuracy
 * (right axis, %) against the step. Points are appended as the worker reports them; the chart
 * redraws at most once per animation frame.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Evaluation, Progress } from "./protocol.js";

/** A chart of one session's curves. */
export class Curves {
  private readonly plot: uPlot;
  private steps: number[] = [];
  private loss: (number | null)[] = [];
  private trainAcc: (number | null)[] = [];
  private testAcc: (number | null)[] = [];
  private queued = false;

  constructor(box: HTMLElement) {
    const percent = (_: uPlot, ticks: number[]) => ticks.map((t) => `${t}%`);
    this.plot = new uPlot(
      {
        width: Math.max(320, box.clientWidth),
        height: 260,
        scales: { x: { time: false }, acc: { range: [0, 100] } },
        axes: [
          { label: "step" },
          { label: "loss", scale: "y" },
          { label: "accuracy", scale: "acc", side: 1, values: percent, grid: { show: false } },
        ],
        series: [
          { label: "step" },
          { label: "train loss", stroke: "#d9480f", width: 1.5, scale: "y", spanGaps: true },
          { label: "train acc", stroke: "#1971c2", width: 1.5, scale: "acc", spanGaps: true },
          {
            label: "test acc",
            stroke: "#2b8a3e",
            width: 2,
            scale: "acc",
            spanGaps: true,
            points: { show: true, size: 6 },
          },
        ],
      },
      [[], [], [], []],
      box,
    );
    new ResizeObserver(() =>
      this.plot.setSize({ width: Math.max(320, box.clientWidth), height: 260 }),
    ).observe(box);
  }

  /** A progress report: loss and training accuracy at its step. */
  addProgress(p: Progress): void {
    this.push(p.step, p.loss, 100 * p.trainAccuracy, null);
  }

  /** An evaluation: test accuracy at its step. */
  addEvaluation(e: Evaluation): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === e.step) this.testAcc[last] = 100 * e.testAccuracy;
    else this.push(e.step, null, null, 100 * e.testAccuracy);
  }

  /** Forgets every point (a reset). */
  clear(): void {
    [this.steps, this.loss, this.trainAcc, this.testAcc] = [[], [], [], []];
    this.redraw();
  }

  private push(step: number, loss: number | null, train: number | null, test: number | null): void {
    this.steps.push(step);
    this.loss.push(loss);
    this.trainAcc.push(train);
    this.testAcc.push(test);
    this.redraw();
  }

  private redraw(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.plot.setData([this.steps, this.loss, this.trainAcc, this.testAcc]);
    });
  }
}
