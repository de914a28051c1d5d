/**
 * A training run's folder as one unit. The checkpoint is the commit point: each epoch writes it
 * first, then the files derived from it (metrics, model, plots). Every file is replaced
 * atomically, so a crash leaves each one whole, and the derived files at most one epoch behind
 * the checkpoint; the next start removes the crash's temporary files, and a resume rewrites the
 * derived files from the checkpoint, which brings the whole folder to the checkpoint's epoch.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "@tsgrad/core";
import { serializeSafetensors } from "@tsgrad/nn";
import type { AdamGroupOptions } from "@tsgrad/optim";
import { checkpointBytes, parseCheckpoint, type Checkpoint } from "./checkpoint.js";
import { RunError } from "./cli.js";
import { removeTempFiles, writeFileAtomic } from "./files.js";
import { RUN_FILES, type KillSwitch, type RunFile } from "./kill-points.js";
import { renderSvg } from "./plots.js";
import {
  confusionOf,
  curvesChart,
  metricsJson,
  readRunRecord,
  type RunRecord,
} from "./run-record.js";

/** The training example's checkpoint: Adam's state and the run record. */
export type TrainCheckpoint = Checkpoint<RunRecord, AdamGroupOptions>;

/** The run folder `dir` (created on the first write). */
export class RunFolder {
  constructor(
    readonly dir: string,
    private readonly kill: KillSwitch,
    private readonly classes: readonly string[],
  ) {}

  /** The path of one of the run's files. */
  path(file: RunFile): string {
    return join(this.dir, RUN_FILES[file]);
  }

  /** The run files present (any of them means the folder holds a run). */
  files(): RunFile[] {
    return (Object.keys(RUN_FILES) as RunFile[]).filter((f) => existsSync(this.path(f)));
  }

  /** Removes temporary files left by a killed run; returns their names. */
  removeTempFiles(): string[] {
    return removeTempFiles(this.dir);
  }

  /** Deletes the run's files and temporary files (for a new run in the same folder). */
  clear(): void {
    this.removeTempFiles();
    for (const f of this.files()) rmSync(this.path(f));
  }

  /** Reads the checkpoint; `RunError` when there is none, `DataError` when it is damaged. */
  readCheckpoint(): TrainCheckpoint {
    const file = this.path("checkpoint");
    if (!existsSync(file)) {
      const why =
        this.files().length > 0
          ? "its other files cannot be resumed without it"
          : "the run stopped before its first epoch ended, or never started there";
      throw new RunError(
        `--resume: no checkpoint at ${file} (${why}); start the run without --resume`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
    }
    return parseCheckpoint(bytes, file, (run) => readRunRecord(run, file));
  }

  /** Commits an epoch: the checkpoint, then the files derived from it. */
  async commit(ckpt: TrainCheckpoint): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.write("checkpoint", checkpointBytes(ckpt));
    this.kill.at("checkpoint-written");
    await this.writeDerived(ckpt);
    this.kill.at("epoch-end");
  }

  /**
   * Rewrites metrics.json, model.safetensors, curves.svg and confusion.svg from the checkpoint,
   * bringing them to its epoch (they are the bytes the epoch's own commit writes).
   */
  async writeDerived(ckpt: TrainCheckpoint): Promise<void> {
    this.write("metrics", metricsJson(ckpt.run));
    const meta = { format: "pt", epoch: String(ckpt.epoch) };
    this.write("model", serializeSafetensors(ckpt.model, meta));
    this.write("curves", await renderSvg(curvesChart(ckpt.run.epochs)));
    this.write("confusion", await renderSvg(confusionOf(ckpt.run, this.classes)));
  }

  private write(file: RunFile, content: string | Uint8Array): void {
    writeFileAtomic(this.path(file), content, { partial: () => this.kill.at(`${file}-partial`) });
  }
}
