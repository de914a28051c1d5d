/** The page's side of the worker protocol: typed requests answered by promises, and events. */
import type { Evaluation, Progress, RequestMessage, Requests, WorkerMessage } from "./protocol.js";

/** What the worker reports on its own. */
export interface WorkerEvents {
  progress(p: Progress): void;
  evaluation(e: Evaluation): void;
  state(training: boolean): void;
}

/** Talks to the training worker. */
export class WorkerClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(events: WorkerEvents) {
    this.worker = new Worker(new URL("./train-worker.ts", import.meta.url), {
      type: "module",
      name: "tsgrad-training",
    });
    this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind === "progress") events.progress(m.progress);
      else if (m.kind === "evaluation") events.evaluation(m.evaluation);
      else if (m.kind === "state") events.state(m.training);
      else {
        const waiting = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.kind === "result") waiting?.resolve(m.result);
        else waiting?.reject(new Error(m.message));
      }
    };
    this.worker.onerror = (e) => {
      for (const w of this.pending.values()) w.reject(new Error(`training worker: ${e.message}`));
      this.pending.clear();
    };
  }

  /** Sends request `type` and resolves with the worker's answer (rejects with its error). */
  call<K extends keyof Requests>(
    type: K,
    args: Requests[K]["args"],
    transfer: Transferable[] = [],
  ): Promise<Requests[K]["result"]> {
    const id = this.next++;
    const message: RequestMessage<K> = { id, type, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message, transfer);
    });
  }
}
