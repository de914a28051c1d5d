import type { DType } from "../dtype.js";
import type { Backend, KernelName, PartialBackend, View } from "./backend.js";

/** How often each kernel of a composed backend ran fast and how often it fell back. */
export interface KernelCounts {
  /** Calls the partial backend's kernel handled. */
  fast: number;
  /** Calls that went to the fallback (unsupported dtype, or the kernel declined). */
  fallback: number;
}

/** A composed backend, with per-kernel call counts (for coverage tests and profiles). */
export interface ComposedBackend extends Backend {
  /** Call counts since creation or the last {@link ComposedBackend.resetCounts}. */
  readonly counts: ReadonlyMap<KernelName, KernelCounts>;
  /** Zeroes the call counts. */
  resetCounts(): void;
  /** The kernels the partial backend implements (for some dtype). */
  readonly claimed: readonly KernelName[];
}

const FIELDS = new Set<keyof Backend>(["name", "simd", "threads", "arenaBytes"]);
/** The kernels of a complete backend (its keys but the descriptive fields). */
export function kernelNames(backend: Backend): KernelName[] {
  return (Object.keys(backend) as (keyof Backend)[]).filter((k): k is KernelName => !FIELDS.has(k));
}

const isView = (v: unknown): v is View =>
  typeof v === "object" && v !== null && "dtype" in v && "strides" in v;
const DTYPES = new Set<unknown>(["float32", "float64", "int32", "bool"]);

/**
 * The dtypes a call is keyed on: the first tensor operand's (for `where`, the values', not the
 * mask's) and any output dtype passed by name (`copy`, `reduce`). Index operands (int32) are the
 * kernel's own business.
 */
function callDTypes(kernel: KernelName, args: readonly unknown[]): DType[] {
  const views = args.filter(isView);
  const data = kernel === "where" ? views[1] : views[0];
  const named = args.filter((a): a is DType => DTYPES.has(a));
  return data ? [data.dtype, ...named] : named;
}

/**
 * Fills every kernel `fast` lacks, and every call on a dtype it does not list or that its kernel
 * declines (returns `null`), from `fallback`. The result is a complete backend named after `fast`.
 */
export function composeBackend(fast: PartialBackend, fallback: Backend): ComposedBackend {
  const counts = new Map<KernelName, KernelCounts>();
  const dtypes = new Set(fast.dtypes);
  const claimed = Object.keys(fast.kernels) as KernelName[];
  const kernels: Record<string, unknown> = {};
  for (const name of kernelNames(fallback)) {
    const slow = fallback[name] as (...a: unknown[]) => unknown;
    const quick = fast.kernels[name] as ((...a: unknown[]) => unknown) | undefined;
    const count: KernelCounts = { fast: 0, fallback: 0 };
    counts.set(name, count);
    kernels[name] =
      quick === undefined
        ? (...args: unknown[]) => {
            count.fallback++;
            return slow(...args);
          }
        : (...args: unknown[]) => {
            if (callDTypes(name, args).every((d) => dtypes.has(d))) {
              const out = quick(...args);
              if (out !== null) {
                count.fast++;
                return out;
              }
            }
            count.fallback++;
            return slow(...args);
          };
  }
  return {
    ...(kernels as unknown as Backend),
    name: fast.name,
    simd: fast.simd,
    threads: fast.threads,
    arenaBytes: () => fast.arenaBytes(),
    counts,
    claimed,
    resetCounts() {
      for (const c of counts.values()) c.fast = c.fallback = 0;
    },
  };
}
