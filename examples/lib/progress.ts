/**
 * Progress of a training epoch: a live bar on a terminal; elsewhere (a CI log, a file) a plain
 * line every 10 seconds, so that a long epoch never looks like a hang.
 */
import { SingleBar } from "cli-progress";

/** Where an epoch stands after a step. */
export interface StepProgress {
  /** Steps done in this epoch. */
  done: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  /** Training samples per second so far this epoch. */
  samplesPerSecond: number;
}

/** Reports an epoch's progress. */
export interface Progress {
  /** An epoch of `steps` training steps begins. */
  start(epoch: number, steps: number): void;
  /** A step is done. */
  update(p: StepProgress): void;
  /** The epoch's training is over (its summary line follows). */
  stop(): void;
}

/** `1m05s`, `42s`, `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * One plain line at most every `intervalMs` (default 10 s): epoch, step, loss, samples/s and the
 * epoch's ETA. `now` is the clock in milliseconds (injectable for tests).
 */
export class PlainProgress implements Progress {
  private epoch = 0;
  private steps = 0;
  private started = 0;
  private last = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly epochs: number,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(epoch: number, steps: number): void {
    [this.epoch, this.steps] = [epoch, steps];
    this.started = this.last = this.now();
  }

  update({ done, loss, samplesPerSecond }: StepProgress): void {
    const t = this.now();
    if (t - this.last < this.intervalMs || done >= this.steps) return;
    this.last = t;
    const eta = (((t - this.started) / done) * (this.steps - done)) / 1000;
    this.write(
      `epoch ${this.epoch}/${this.epochs}, step ${done}/${this.steps}, loss ${loss.toFixed(4)}, ` +
        `${samplesPerSecond.toFixed(0)} samples/s, ETA ${formatDuration(eta)}`,
    );
  }

  stop(): void {}
}

/** A `cli-progress` bar on a terminal stream. */
export class BarProgress implements Progress {
  private readonly bar: SingleBar;

  constructor(
    stream: NodeJS.WriteStream,
    private readonly epochs: number,
  ) {
    this.bar = new SingleBar({
      format:
        "epoch {epoch} [{bar}] {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      stream,
    });
  }

  start(epoch: number, steps: number): void {
    this.bar.start(steps, 0, { epoch: `${epoch}/${this.epochs}`, loss: "-", rate: "-" });
  }

  update({ done, loss, samplesPerSecond }: StepProgress): void {
    this.bar.update(done, { loss: loss.toFixed(4), rate: samplesPerSecond.toFixed(0) });
  }

  stop(): void {
    this.bar.stop();
  }
}

/** A bar when `stream` is a terminal, plain lines every 10 s on it otherwise. */
export function progressFor(stream: NodeJS.WriteStream, epochs: number): Progress {
  return stream.isTTY
    ? new BarProgress(stream, epochs)
    : new PlainProgress((line) => stream.write(`${line}\n`), epochs);
}
