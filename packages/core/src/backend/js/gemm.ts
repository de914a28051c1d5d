import type { TypedArray } from "../../dtype.js";

/**
 * A strided matrix operand of {@link gemm}: element (i, j) lives at
 * `data[offset + i * rowStride + j * colStride]`, so transposes and batch slices are free.
 */
export interface MatrixRef {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

// Register tile MR × NR, and the cache blocks: a KC × NR panel of B (8 KB) stays in L1 while the
// MC × KC block of A (252 KB) sits in L2 and a KC × NC block of B in L3. A 3 × 4 tile keeps its
// 12 accumulators, 3 values of A and one of B in x64's 16 float registers; measured ~10% faster
// than 4 × 4 (which spills) in V8.
const MR = 3;
const NR = 4;
const KC = 256;
const MC = 126; // a multiple of MR
const NC = 2048;

/** The register-blocked inner kernel over one workspace's packed panels (see makeMicroKernel). */
type MicroKernel = (
  kc: number,
  ap: number,
  bp: number,
  c: Float64Array,
  co: number,
  ldc: number,
  rows: number,
  cols: number,
  accumulate: boolean,
) => void;

/** Packing buffers (bounded by the block sizes) and the microkernel that reads them. */
interface Workspace {
  readonly packedA: Float64Array;
  readonly packedB: Float64Array;
  readonly kernel: MicroKernel;
}

// One workspace per gemm call in flight, indexed by nesting depth, so gemm is re-entrant while
// every call reuses buffers (today only depth 0 is ever used; workers have their own module
// instance). Each workspace has its own microkernel closure: V8 then treats the buffers as
// constants inside it, which a plain buffer parameter measured ~20% slower than.
const workspaces: Workspace[] = [];
let depth = 0;

function createWorkspace(): Workspace {
  const packedA = new Float64Array(MC * KC);
  const packedB = new Float64Array(KC * NC);
  return { packedA, packedB, kernel: makeMicroKernel(packedA, packedB) };
}

/**
 * Copies A[i0 : i0 + mc, k0 : k0 + kc] into `packedA` as row panels of MR rows, k-major inside a
 * panel (the order the micro-kernel reads), zero-filling the rows past `mc`.
 */
function packA(
  a: MatrixRef,
  i0: number,
  mc: number,
  k0: number,
  kc: number,
  packedA: Float64Array,
): void {
  const { data, rowStride: rs, colStride: cs } = a;
  let p = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip);
    const base = a.offset + (i0 + ip) * rs + k0 * cs;
    if (rows === MR) {
      for (let k = 0, o = base; k < kc; k++, o += cs, p += MR) {
        packedA[p] = data[o]!;
        packedA[p + 1] = data[o + rs]!;
        packedA[p + 2] = data[o + 2 * rs]!;
      }
    } else {
      for (let k = 0, o = base; k < kc; k++, o += cs, p += MR) {
        for (let r = 0; r < MR; r++) packedA[p + r] = r < rows ? data[o + r * rs]! : 0;
      }
    }
  }
}

/** Copies B[k0 : k0 + kc, j0 : j0 + nc] into `packedB` as column panels of NR columns. */
function packB(
  b: MatrixRef,
  k0: number,
  kc: number,
  j0: number,
  nc: number,
  packedB: Float64Array,
): void {
  const { data, rowStride: rs, colStride: cs } = b;
  let p = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = Math.min(NR, nc - jp);
    const base = b.offset + k0 * rs + (j0 + jp) * cs;
    if (cols === NR) {
      for (let k = 0, o = base; k < kc; k++, o += rs, p += NR) {
        packedB[p] = data[o]!;
        packedB[p + 1] = data[o + cs]!;
        packedB[p + 2] = data[o + 2 * cs]!;
        packedB[p + 3] = data[o + 3 * cs]!;
      }
    } else {
      for (let k = 0, o = base; k < kc; k++, o += rs, p += NR) {
        for (let c = 0; c < NR; c++) packedB[p + c] = c < cols ? data[o + c * cs]! : 0;
      }
    }
  }
}

/**
 * The register-blocked inner kernel over the panels `A` and `B`: a 3 × 4 tile of C (+)= packed A
 * panel · packed B panel over `kc` steps, 12 accumulators held in locals, B streamed one value at
 * a time. Writes only the `rows × cols` valid corner.
 */
function makeMicroKernel(A: Float64Array, B: Float64Array): MicroKernel {
  // The accumulators of a tile at the matrix edge, before its valid corner is copied out.
  const edgeTile = new Float64Array(MR * NR);
  // prettier-ignore
  return function microKernel(
    kc: number, ap: number, bp: number,
    c: Float64Array, co: number, ldc: number,
    rows: number, cols: number, accumulate: boolean,
  ): void {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    for (let k = 0; k < kc; k++, ap += MR, bp += NR) {
      const a0 = A[ap]!, a1 = A[ap + 1]!, a2 = A[ap + 2]!;
      let b = B[bp]!;
      c00 += a0 * b; c10 += a1 * b; c20 += a2 * b;
      b = B[bp + 1]!;
      c01 += a0 * b; c11 += a1 * b; c21 += a2 * b;
      b = B[bp + 2]!;
      c02 += a0 * b; c12 += a1 * b; c22 += a2 * b;
      b = B[bp + 3]!;
      c03 += a0 * b; c13 += a1 * b; c23 += a2 * b;
    }
    if (rows === MR && cols === NR) {
      const o0 = co, o1 = co + ldc, o2 = co + 2 * ldc;
      if (accumulate) {
        c[o0] += c00; c[o0 + 1] += c01; c[o0 + 2] += c02; c[o0 + 3] += c03;
        c[o1] += c10; c[o1 + 1] += c11; c[o1 + 2] += c12; c[o1 + 3] += c13;
        c[o2] += c20; c[o2 + 1] += c21; c[o2 + 2] += c22; c[o2 + 3] += c23;
      } else {
        c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03;
        c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13;
        c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23;
      }
      return;
    }
    // edge tile: write only the valid rows × cols corner
    const t = edgeTile;
    t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
    t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
    t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        const o = co + r * ldc + j;
        c[o] = (accumulate ? c[o]! : 0) + t[r * NR + j]!;
      }
    }
  };
}

/**
 * General matrix product `C (+)= A · B` for float data: A is M × K, B is K × N (any strides, any
 * typed array), C is a row-major float64 M × N matrix at `cOffset` with leading dimension `ldc`.
 * Without `accumulate` C is overwritten. Operands are packed into float64 panels (so float32 input
 * accumulates in float64), then multiplied in 3 × 4 register tiles over cache-sized blocks.
 */
export function gemm(
  M: number,
  N: number,
  K: number,
  a: MatrixRef,
  b: MatrixRef,
  c: Float64Array,
  cOffset: number,
  ldc: number,
  accumulate = false,
): void {
  if (K === 0) {
    if (!accumulate)
      for (let i = 0; i < M; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + N);
    return;
  }
  const ws = (workspaces[depth] ??= createWorkspace());
  depth++;
  try {
    blocked(M, N, K, a, b, c, cOffset, ldc, accumulate, ws);
  } finally {
    depth--;
  }
}

/** The body of {@link gemm} (K > 0) over the packing buffers of `ws`. */
function blocked(
  M: number,
  N: number,
  K: number,
  a: MatrixRef,
  b: MatrixRef,
  c: Float64Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
  { packedA, packedB, kernel }: Workspace,
): void {
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      const acc = accumulate || k0 > 0;
      packB(b, k0, kc, j0, nc, packedB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packA(a, i0, mc, k0, kc, packedA);
        for (let jp = 0; jp < nc; jp += NR) {
          const cols = Math.min(NR, nc - jp);
          const bp = jp * kc;
          for (let ip = 0; ip < mc; ip += MR) {
            const co = cOffset + (i0 + ip) * ldc + j0 + jp;
            kernel(kc, ip * kc, bp, c, co, ldc, Math.min(MR, mc - ip), cols, acc);
          }
        }
      }
    }
  }
}
