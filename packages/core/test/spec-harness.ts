/**
 * Turns an op spec's plain-data case into tensors (with the requested memory layout) and
 * reference values, and compares tsgrad's outputs with the reference.
 */
import fc from "fast-check";
import { Tensor, tensor } from "../src/index.js";
import type { Arg, Tol } from "./op-specs.js";
import { numel, ravel, unravel, type RefTensor } from "./reference.js";

/** Seeds and run counts from the environment (CI defaults: seed 42, a few runs per op). */
export function configureFastCheck(defaultRuns: number): void {
  fc.configureGlobal({
    seed: Number(process.env.TSGRAD_FC_SEED ?? 42),
    numRuns: Number(process.env.TSGRAD_FC_RUNS ?? defaultRuns),
  });
}

/** Value planted in storage the view must not see ("strided" layout). */
const GAP = 777;

/** The tensor for one argument: contiguous, or a permuted / strided view of a larger storage. */
function buildArg(arg: Arg, floatType: "float32" | "float64", requiresGrad: boolean): Tensor {
  const kind = arg.kind ?? "float";
  const dtype = kind === "float" ? floatType : kind === "int" ? "int32" : "bool";
  const nd = arg.shape.length;
  let t: Tensor;
  if (arg.layout === "transposed" && nd >= 2) {
    const rev = [...arg.shape].reverse();
    const base = new Array<number>(arg.data.length);
    arg.data.forEach((v, p) => (base[ravel(unravel(p, arg.shape).reverse(), rev)] = v));
    t = tensor(base, { dtype })
      .reshape(rev)
      .permute([...Array(nd).keys()].reverse());
  } else if (arg.layout === "strided") {
    const last = nd === 0 ? 1 : arg.shape[nd - 1]!;
    const outer = nd === 0 ? [] : arg.shape.slice(0, -1);
    const base = new Array<number>(numel(outer) * (2 * last + 1)).fill(GAP);
    arg.data.forEach(
      (v, p) => (base[Math.floor(p / last) * (2 * last + 1) + 1 + 2 * (p % last)] = v),
    );
    const wide = tensor(base, { dtype }).reshape([...outer, 2 * last + 1]);
    t = nd === 0 ? wide.select(0, 1) : wide.slice(-1, 1, undefined, 2);
  } else {
    t = tensor(arg.data, { dtype }).reshape(arg.shape);
  }
  const wantGrad = requiresGrad && kind === "float" && arg.grad !== false;
  return wantGrad ? t.requiresGrad_() : t;
}

/** Tensors for a case's args (float args in `floatType`). */
export function buildArgs(
  args: readonly Arg[],
  floatType: "float32" | "float64",
  requiresGrad = true,
): Tensor[] {
  return args.map((a) => buildArg(a, floatType, requiresGrad));
}

/** Reference inputs; with `f32`, float values are first rounded to float32 as the tensors are. */
export function refArgs(args: readonly Arg[], f32 = false): RefTensor[] {
  return args.map((a) => {
    const kind = a.kind ?? "float";
    const data = kind === "float" && f32 ? a.data.map(Math.fround) : [...a.data];
    if (kind === "float") return { shape: [...a.shape], data };
    return { shape: [...a.shape], data, dtype: kind === "int" ? "int32" : "bool" };
  });
}

const asList = <T>(x: T | readonly T[]): readonly T[] => (Array.isArray(x) ? x : [x as T]);

/** Throws unless every output matches the reference in shape, dtype and values. */
export function assertMatches(
  name: string,
  actual: Tensor | readonly Tensor[],
  expected: RefTensor | readonly RefTensor[],
  floatType: "float32" | "float64",
  tol: Tol,
): void {
  const outs = asList(actual);
  const refs = asList(expected);
  if (outs.length !== refs.length) {
    throw new Error(`${name}: ${outs.length} outputs, reference has ${refs.length}`);
  }
  outs.forEach((out, j) => {
    const ref = refs[j]!;
    const at = `${name}, output ${j}`;
    if (out.shape.join() !== ref.shape.join() || out.shape.length !== ref.shape.length) {
      throw new Error(`${at}: shape [${out.shape.join(", ")}], expected [${ref.shape.join(", ")}]`);
    }
    const dtype = ref.dtype ?? floatType;
    if (out.dtype !== dtype) throw new Error(`${at}: dtype ${out.dtype}, expected ${dtype}`);
    const got = Array.from(out.dataSync());
    const bad: string[] = [];
    got.forEach((v, p) => {
      const e = ref.data[p]!;
      const ok = ref.dtype
        ? v === e
        : Math.abs(v - e) <= tol.atol + tol.rtol * Math.abs(e) ||
          (Number.isNaN(v) && Number.isNaN(e)) ||
          v === e;
      if (!ok) bad.push(`[${unravel(p, ref.shape).join(", ")}]: ${v} vs ${e}`);
    });
    if (bad.length > 0) {
      throw new Error(
        `${at}: ${bad.length} of ${got.length} values differ from the reference ` +
          `(atol ${tol.atol}, rtol ${tol.rtol}):\n  ${bad.slice(0, 8).join("\n  ")}`,
      );
    }
  });
}
