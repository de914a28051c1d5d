import { ShapeError, ValueError, noGrad, ones, zeros, type Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { ones_, zeros_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat } from "../repr.js";
import { markInt64 } from "../safetensors.js";
import { checkInt } from "./common.js";

/** Options of `BatchNorm1d` / `BatchNorm2d` (PyTorch's keywords, camelCase). */
export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * Weight of each new batch statistic in the running averages (default 0.1); `null` takes the
   * cumulative average over all batches seen (weight 1/numBatchesTracked), as in PyTorch.
   */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch stats. */
  trackRunningStats?: boolean;
  /** Dtype of the parameters and running statistics (default float32). */
  dtype?: "float32" | "float64";
}

/**
 * Batch normalisation over dim 1 (PyTorch's `_BatchNorm`): in training, normalise with the batch
 * statistics and update `running_mean` / `running_var` (unbiased) and `num_batches_tracked`;
 * in eval, normalise with the running statistics. State-dict keys are PyTorch's: `weight`,
 * `bias`, `running_mean`, `running_var`, `num_batches_tracked` (a 0-d int32 tensor, written to
 * safetensors as I64 like PyTorch's int64).
 */
export abstract class BatchNormBase extends Module {
  /** Per-channel scale γ (ones), shape [numFeatures]; `null` unless `affine`. */
  readonly weight: Parameter | null;
  /** Per-channel shift β (zeros), shape [numFeatures]; `null` unless `affine`. */
  readonly bias: Parameter | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Running-average weight, or `null` for a cumulative average. */
  readonly momentum: number | null;
  /** Whether `weight` and `bias` exist. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;

  constructor(
    /** Channels (C) of the input it normalises. */
    readonly numFeatures: number,
    options: BatchNormLayerOptions,
    private readonly expectedDims: readonly number[],
  ) {
    super();
    const name = this.constructor.name;
    checkInt(name, "numFeatures", numFeatures, 1);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (!(this.eps >= 0) || (this.momentum !== null && !Number.isFinite(this.momentum))) {
      throw new ValueError(`${name}: invalid eps ${this.eps} or momentum ${this.momentum}`);
    }
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer("running_mean", track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer(
      "num_batches_tracked",
      track ? markInt64(zeros([], { dtype: "int32" })) : null,
    );
  }

  /** Running mean, shape [numFeatures] (buffer `running_mean`), or `null`. */
  get runningMean(): Tensor | null {
    return this.getBuffer("running_mean");
  }
  /** Running (unbiased) variance, shape [numFeatures] (buffer `running_var`), or `null`. */
  get runningVar(): Tensor | null {
    return this.getBuffer("running_var");
  }
  /** Training batches seen, a 0-d int32 tensor (buffer `num_batches_tracked`), or `null`. */
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer("num_batches_tracked");
  }

  /** Resets the running statistics: mean 0, variance 1, no batches tracked. */
  resetRunningStats(): void {
    for (const t of [this.runningMean, this.numBatchesTracked]) if (t) zeros_(t);
    if (this.runningVar) ones_(this.runningVar);
  }

  /** Resets the running statistics and the affine parameters (weight 1, bias 0). */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    if (!this.expectedDims.includes(x.dim())) {
      const want = this.expectedDims.map((d) => `${d}D`).join(" or ");
      throw new ShapeError(
        `${this.constructor.name}: expected ${want} input (got ${x.dim()}D input [${x.shape.join(", ")}])`,
      );
    }
    let factor = this.momentum ?? 0;
    const nbt = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && nbt) {
      noGrad(() => nbt.add_(1));
      factor = this.momentum ?? 1 / nbt.item(); // cumulative moving average
    }
    const useBatchStats = this.training || (!this.runningMean && !this.runningVar);
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(
      x,
      useRunning ? this.runningMean : null,
      useRunning ? this.runningVar : null,
      this.weight,
      this.bias,
      { training: useBatchStats, momentum: factor, eps: this.eps },
    );
  }

  override extraRepr(): string {
    const b = (v: boolean): string => (v ? "True" : "False");
    const m = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${b(this.affine)}, track_running_stats=${b(this.trackRunningStats)}`;
  }
}
