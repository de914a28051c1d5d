let enabled = true;

/** True when ops record the graph for autograd (the default). */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with graph recording set to `mode`, restoring the previous mode afterwards. */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs `fn` without recording the graph (PyTorch's `torch.no_grad()`): results do not require
 * grad, and in-place updates of leaves are allowed. `fn` must be synchronous.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
