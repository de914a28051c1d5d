import { DataError } from "@tsgrad/core";

/** Element types tsgrad reads and writes (`I64` is held as int32 in memory). */
export type SafetensorsDType = "F32" | "F64" | "I32" | "I64" | "BOOL";

/** Bytes per element of each safetensors dtype. */
export const SAFETENSORS_ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  I64: 8,
  F32: 4,
  I32: 4,
  BOOL: 1,
};

/** The largest header accepted, as in the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One validated tensor entry of a safetensors header. */
export interface HeaderEntry {
  dtype: SafetensorsDType;
  shape: number[];
  numel: number;
  /** Start of the tensor's bytes, relative to the data buffer. */
  begin: number;
  /** End (exclusive), relative to the data buffer. */
  end: number;
}

/** A validated safetensors header. */
export interface ParsedHeader {
  /** Absolute position of the data buffer in the file. */
  dataStart: number;
  /** Tensor entries in header order. */
  entries: [string, HeaderEntry][];
  /** `__metadata__` pairs in header order. */
  metadata: [string, string][];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function entryOf(key: string, value: unknown, fail: (msg: string) => never): HeaderEntry {
  if (!isRecord(value)) fail(`entry '${key}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string" || !Object.hasOwn(SAFETENSORS_ITEM_SIZE, dtype)) {
    fail(
      `tensor '${key}' has unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(SAFETENSORS_ITEM_SIZE).join(", ")})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    fail(
      `tensor '${key}' has invalid shape ${JSON.stringify(shape)} (expected non-negative integers)`,
    );
  }
  let numel = 1;
  for (const d of shape) numel *= d;
  if (!Number.isSafeInteger(numel)) {
    fail(`tensor '${key}' has shape ${JSON.stringify(shape)} with too many elements`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    fail(
      `tensor '${key}' has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] non-negative integers)`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`tensor '${key}' has data_offsets [${begin}, ${end}] with end < begin`);
  const itemSize = SAFETENSORS_ITEM_SIZE[dtype as SafetensorsDType];
  if (numel * itemSize !== end - begin) {
    fail(
      `tensor '${key}' of dtype ${dtype} and shape [${shape.join(", ")}] needs ${numel * itemSize} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { dtype: dtype as SafetensorsDType, shape, numel, begin, end };
}

function checkCoverage(
  entries: readonly [string, HeaderEntry][],
  bufferBytes: number,
  fail: (msg: string) => never,
): void {
  const sorted = [...entries].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let cursor = 0;
  let previous = "";
  for (const [key, { begin, end }] of sorted) {
    if (end > bufferBytes) {
      fail(
        `tensor '${key}' has data_offsets [${begin}, ${end}] past the end of the ${bufferBytes}-byte data buffer`,
      );
    }
    if (begin < cursor) fail(`tensor '${key}' at [${begin}, ${end}] overlaps tensor '${previous}'`);
    if (begin > cursor) fail(`bytes [${cursor}, ${begin}) of the data buffer belong to no tensor`);
    if (end > begin || previous === "") previous = key;
    cursor = end;
  }
  if (cursor !== bufferBytes) {
    fail(`bytes [${cursor}, ${bufferBytes}) of the data buffer belong to no tensor`);
  }
}

/**
 * Reads and validates the header of a safetensors file held in `bytes`: length prefix within the
 * file and at most 100 MB, UTF-8 JSON object starting with `{`, `__metadata__` a string map,
 * entries with a known dtype, a valid shape and `data_offsets` matching numel × element size and
 * tiling the data buffer exactly. Throws `DataError` naming `file` and the problem.
 */
export function parseHeader(bytes: Uint8Array, file: string): ParsedHeader {
  const fail: (msg: string) => never = (msg) => {
    throw new DataError(`invalid safetensors file '${file}': ${msg}`);
  };
  if (bytes.length < 8) {
    fail(`file is ${bytes.length} bytes, too short for the 8-byte header length (truncated?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (length > bytes.length - 8) {
    fail(
      `header length ${length} exceeds the ${bytes.length - 8} bytes after the length prefix (file size ${bytes.length}; truncated?)`,
    );
  }
  if (length > MAX_HEADER_BYTES)
    fail(`header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    return fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail(`header does not start with '{'`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) return fail("header is not a JSON object");
  const metadata: [string, string][] = [];
  const entries: [string, HeaderEntry][] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === "__metadata__") {
      if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) {
        fail("__metadata__ must map strings to strings");
      }
      metadata.push(...(Object.entries(value) as [string, string][]));
    } else {
      entries.push([key, entryOf(key, value, fail)]);
    }
  }
  checkCoverage(entries, bytes.length - 8 - length, fail);
  return { dataStart: 8 + length, entries, metadata };
}
