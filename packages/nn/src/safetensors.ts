/**
 * The safetensors checkpoint format, at the byte level (no file system: see `@tsgrad/nn/node`
 * for `saveSafetensors` / `loadSafetensors`).
 *
 * Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
 * (`{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}`,
 * padded with spaces), then the data buffer: every tensor's elements, row-major and
 * little-endian, at `data_offsets` relative to the buffer start, covering it without holes.
 * @packageDocumentation
 */
import { DataError, Tensor, ValueError, tensor, type DType } from "@tsgrad/core";
import {
  SAFETENSORS_ITEM_SIZE,
  parseHeader,
  type HeaderEntry,
  type SafetensorsDType,
} from "./safetensors-header.js";

export { SAFETENSORS_ITEM_SIZE, type SafetensorsDType };

/** A decoded safetensors file. */
export interface SafetensorsFile {
  /** The tensors, in the header's order (I64 data as int32). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
  /** Each tensor's dtype as stored in the file. */
  dtypes: Record<string, SafetensorsDType>;
}

/** Options of `serializeSafetensors`. */
export interface SerializeOptions {
  /**
   * How int32 tensors are stored: `true` writes all of them as I64, `false` all as I32. By
   * default (`undefined`) a tensor is written as I64 exactly when its storage is marked int64 —
   * tensors read from I64 data and BatchNorm's `num_batches_tracked`, which is int64 in
   * PyTorch — so PyTorch checkpoints round-trip with their dtypes.
   */
  int64?: boolean;
}

const TSGRAD_DTYPE: Readonly<Record<SafetensorsDType, DType>> = {
  F32: "float32",
  F64: "float64",
  I32: "int32",
  I64: "int32",
  BOOL: "bool",
};

const int64Storages = new WeakSet<object>();

/**
 * Marks an int32 tensor's storage as holding int64 values (tsgrad has no int64 dtype), so
 * `serializeSafetensors` writes it (and every view of it) as I64. Returns the tensor.
 */
export function markInt64(t: Tensor): Tensor {
  if (t.dtype !== "int32") {
    throw new ValueError(`markInt64: expected an int32 tensor, got ${t.dtype}`);
  }
  int64Storages.add(t.storage);
  return t;
}

/** Whether `t`'s storage is marked as int64 (see `markInt64`). */
export function isInt64(t: Tensor): boolean {
  return int64Storages.has(t.storage);
}

function fileDType(t: Tensor, options: SerializeOptions): SafetensorsDType {
  switch (t.dtype) {
    case "float32":
      return "F32";
    case "float64":
      return "F64";
    case "bool":
      return "BOOL";
    case "int32":
      return (options.int64 ?? isInt64(t)) ? "I64" : "I32";
  }
}

function writeElements(view: DataView, at: number, t: Tensor, dtype: SafetensorsDType): void {
  const data = t.dataSync();
  const n = data.length;
  switch (dtype) {
    case "F32":
      for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i]!, true);
      return;
    case "F64":
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i]!, true);
      return;
    case "I32":
      for (let i = 0; i < n; i++) view.setInt32(at + 4 * i, data[i]!, true);
      return;
    case "I64":
      for (let i = 0; i < n; i++) {
        view.setInt32(at + 8 * i, data[i]!, true);
        view.setInt32(at + 8 * i + 4, data[i]! < 0 ? -1 : 0, true); // sign extension
      }
      return;
    case "BOOL":
      for (let i = 0; i < n; i++) view.setUint8(at + i, data[i] ? 1 : 0);
  }
}

const entriesOf = <T>(m: Record<string, T> | ReadonlyMap<string, T>): [string, T][] =>
  m instanceof Map ? [...m] : Object.entries(m);

/**
 * Encodes tensors (e.g. a `stateDict()`) as a safetensors file. The header lists tensors in the
 * given order, after `__metadata__` when metadata is given; the data buffer stores 8-byte dtypes
 * first, then 4-byte, then BOOL (keeping the given order within each size), and the header is
 * padded with spaces to a multiple of 8 bytes, so every tensor is aligned to its element size.
 * Throws `ValueError` for a non-tensor value, a non-string metadata value, or a tensor named
 * `__metadata__`.
 */
export function serializeSafetensors(
  tensors: Record<string, Tensor> | ReadonlyMap<string, Tensor>,
  metadata?: Record<string, string> | null,
  options: SerializeOptions = {},
): Uint8Array {
  const items = entriesOf(tensors).map(([name, t]) => {
    if (!(t instanceof Tensor)) {
      throw new ValueError(`serializeSafetensors: value for '${name}' is not a Tensor`);
    }
    if (name === "__metadata__") {
      throw new ValueError(
        "serializeSafetensors: '__metadata__' is reserved and cannot name a tensor",
      );
    }
    const dtype = fileDType(t, options);
    return { name, t, dtype, bytes: t.numel() * SAFETENSORS_ITEM_SIZE[dtype], begin: 0 };
  });
  let offset = 0;
  const layout = [...items].sort(
    (a, b) => SAFETENSORS_ITEM_SIZE[b.dtype] - SAFETENSORS_ITEM_SIZE[a.dtype],
  );
  for (const item of layout) {
    item.begin = offset;
    offset += item.bytes;
  }
  const parts: string[] = [];
  if (metadata) {
    const meta = entriesOf(metadata).map(([k, v]) => {
      if (typeof v !== "string") {
        throw new ValueError(`serializeSafetensors: metadata value for '${k}' must be a string`);
      }
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${meta.join(",")}}`);
  }
  for (const { name, t, dtype, begin, bytes } of items) {
    const shape = JSON.stringify(t.shape);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${shape},"data_offsets":[${begin},${begin + bytes}]}`,
    );
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  for (const item of items) writeElements(view, 8 + headerLength + item.begin, item.t, item.dtype);
  return out;
}

function readElements(
  file: string,
  bytes: Uint8Array,
  at: number,
  key: string,
  entry: HeaderEntry,
): Tensor {
  const n = entry.numel;
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + at,
    n * SAFETENSORS_ITEM_SIZE[entry.dtype],
  );
  const dtype = TSGRAD_DTYPE[entry.dtype];
  let data: Float32Array | Float64Array | Int32Array | Uint8Array;
  switch (entry.dtype) {
    case "F32":
      data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
      break;
    case "F64":
      data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat64(8 * i, true);
      break;
    case "I32":
      data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt32(4 * i, true);
      break;
    case "I64":
      data = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = view.getInt32(8 * i, true);
        const hi = view.getInt32(8 * i + 4, true);
        if (hi !== (lo < 0 ? -1 : 0)) {
          const value = BigInt(hi) * 2n ** 32n + BigInt(lo >>> 0);
          throw new DataError(
            `invalid safetensors file '${file}': tensor '${key}' (I64) holds ${value} at flat index ${i}, outside the int32 range tsgrad can hold`,
          );
        }
        data[i] = lo;
      }
      break;
    case "BOOL":
      data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getUint8(i) ? 1 : 0;
  }
  const t = tensor(data, { shape: entry.shape, dtype });
  if (entry.dtype === "I64") markInt64(t);
  return t;
}

/**
 * Decodes a safetensors file. Validates the header length against the size, the header's
 * UTF-8 and JSON, every dtype, shape (non-negative integers whose product is representable),
 * `data_offsets` (in range, non-overlapping, covering the data buffer with no holes) and
 * size = numel × element size. I64 tensors are read into int32 (marked int64 so they are written
 * back as I64), and a value outside the int32 range is rejected. Any problem throws a
 * `DataError` naming `name` (the file) and the problem.
 *
 * NOTE: a header with a duplicated tensor name keeps the last entry (as `JSON.parse` does); the
 * bytes of the dropped entry then belong to no tensor, so such a file is rejected unless both
 * entries described the same bytes.
 */
export function parseSafetensors(bytes: Uint8Array, name = "<bytes>"): SafetensorsFile {
  const { dataStart, entries, metadata } = parseHeader(bytes, name);
  const tensors: [string, Tensor][] = [];
  const dtypes: [string, SafetensorsDType][] = [];
  for (const [key, entry] of entries) {
    tensors.push([key, readElements(name, bytes, dataStart + entry.begin, key, entry)]);
    dtypes.push([key, entry.dtype]);
  }
  return {
    tensors: Object.fromEntries(tensors),
    metadata: Object.fromEntries(metadata),
    dtypes: Object.fromEntries(dtypes),
  };
}
