import { anomalyMode, setAnomalyMode } from "./observer.js";

/**
 * Runs `fn` in anomaly mode (PyTorch's `torch.autograd.detect_anomaly`), restoring the previous
 * setting afterwards. In anomaly mode every op checks its output, in the forward and in the
 * backward pass, and the first one that makes a NaN (or an infinity from finite inputs) throws an
 * {@link AnomalyError} naming the op, the shapes of its inputs, the ops it ran inside (a custom
 * function, or a primitive written with other ops), and, for a backward rule, the stack where its
 * forward op was created. NaN or infinities already in an op's inputs (your data, a `−∞` mask) are
 * passed on, not reported. It slows everything down (each op scans its output, each recorded op
 * captures a stack), so use it to debug, not to train. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * detectAnomaly(() => model.forward(x).log().sum().backward());
 * // AnomalyError: anomaly mode: log produced NaN from inputs [8, 10] float32, in the forward pass
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyMode();
  setAnomalyMode(true);
  try {
    return fn();
  } finally {
    setAnomalyMode(previous);
  }
}

/**
 * Turns anomaly mode on or off for everything that follows (PyTorch's
 * `torch.autograd.set_detect_anomaly`); see {@link detectAnomaly}. Off by default.
 */
export function setDetectAnomaly(enabled: boolean): void {
  setAnomalyMode(enabled);
}

/** Whether anomaly mode is on. */
export function isAnomalyEnabled(): boolean {
  return anomalyMode();
}
