import { DataError } from "./errors.js";

/** A parsed IDX file: its dimensions and its raw unsigned bytes, in row-major order. */
export interface IdxArray {
  /** Sizes from the header, outermost first, e.g. `[60000, 28, 28]` for Fashion-MNIST images. */
  dims: number[];
  /** The payload: a view into the (decompressed) file bytes, `dims` product long. Not a copy. */
  data: Uint8Array;
}

/** Options for {@link parseIdx} (and `readIdxFile` in `@tsgrad/datasets/node`). */
export interface IdxOptions {
  /** Name of the file for error messages (defaults to `"<bytes>"` or the path). */
  source?: string;
  /** Reject files whose header does not have exactly this many dimensions. */
  ndim?: number;
}

/** IDX type byte for unsigned 8-bit data, the only element type tsgrad reads. */
const IDX_UBYTE = 0x08;

/** IDX type bytes by name, so an error can say what an unsupported file holds. */
const IDX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: "ubyte",
  0x09: "byte",
  0x0b: "short",
  0x0c: "int",
  0x0d: "float",
  0x0e: "double",
};

/** True when `bytes` starts with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file (the MNIST format): a big-endian magic `0x0000 TT NN` (`TT` the element
 * type, `NN` the number of dimensions), `NN` big-endian uint32 sizes, then the elements. Only
 * unsigned-byte files (`TT = 0x08`) are supported. It runs in any JS runtime, so it takes the
 * decompressed bytes: gzipped input (magic `1f 8b`) is an error here; in Node, `readIdxFile` and
 * `maybeGunzip` from `@tsgrad/datasets/node` decompress, and in a browser
 * `new DecompressionStream("gzip")` does. The header is checked against the actual byte length before anything is allocated,
 * so a header that claims 2^31 images in a 100-byte file fails at once.
 *
 * Shape: `dims` as stored, e.g. images `[N, 28, 28]`, labels `[N]`.
 *
 * @throws {DataError} on gzipped input, a bad magic number, an unsupported type, the wrong number
 *   of dimensions, a truncated file, or trailing bytes after the data.
 */
export function parseIdx(bytes: Uint8Array, options: IdxOptions = {}): IdxArray {
  const source = options.source ?? "<bytes>";
  if (isGzip(bytes)) {
    throw new DataError(
      `${source}: gzipped IDX data (magic 1f 8b): decompress it first (in Node: readIdxFile or ` +
        `maybeGunzip from @tsgrad/datasets/node; in a browser: DecompressionStream("gzip"))`,
    );
  }
  const raw = bytes;
  if (raw.length < 4) {
    throw new DataError(
      `${source}: not an IDX file: ${raw.length} bytes is shorter than the 4-byte magic number`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  const type = raw[2] ?? 0;
  const ndim = raw[3] ?? 0;
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataError(
      `${source}: not an IDX file: magic number 0x${hex8(magic)} does not start with 0x0000 ` +
        `(expected e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  if (type !== IDX_UBYTE) {
    const name = IDX_TYPE_NAMES[type];
    throw new DataError(
      `${source}: IDX magic 0x${hex8(magic)} has element type 0x${hex2(type)}` +
        `${name === undefined ? " (not a valid IDX type)" : ` (${name})`}; ` +
        `only unsigned bytes (0x08) are supported`,
    );
  }
  if (ndim === 0) {
    throw new DataError(`${source}: IDX magic 0x${hex8(magic)} declares 0 dimensions`);
  }
  if (options.ndim !== undefined && ndim !== options.ndim) {
    throw new DataError(
      `${source}: IDX magic 0x${hex8(magic)} declares ${ndim} dimension(s), expected ` +
        `${options.ndim} (magic 0x000008${hex2(options.ndim)})`,
    );
  }
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) {
    throw new DataError(
      `${source}: truncated IDX header: ${ndim} dimension(s) need ${headerBytes} header bytes, ` +
        `the file has ${raw.length}`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  // Compare the claimed size with the bytes present before touching the data. We stop multiplying
  // once the product passes `available` (each factor is < 2^32), so it never overflows to
  // Infinity and is exact whenever it is small enough to be accepted; nothing is allocated.
  const available = raw.length - headerBytes;
  let expected = 1;
  for (const size of dims) {
    expected *= size;
    if (expected > available) break;
  }
  if (dims.includes(0)) expected = 0;
  if (expected > available) {
    throw new DataError(
      `${source}: truncated IDX data: header dims [${dims.join(", ")}] need ` +
        `${dims.includes(0) ? 0 : productString(dims)} bytes after the ${headerBytes}-byte ` +
        `header, but only ${available} are present`,
    );
  }
  if (expected < available) {
    throw new DataError(
      `${source}: ${available - expected} trailing byte(s) after the IDX data: header dims ` +
        `[${dims.join(", ")}] need ${expected} bytes after the ${headerBytes}-byte header, ` +
        `the file has ${available}`,
    );
  }
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + headerBytes, expected) };
}

/**
 * Encodes an IDX ubyte file (uncompressed) from dims and data: the inverse of {@link parseIdx}.
 * Useful to write test fixtures and small derived datasets.
 *
 * @throws {DataError} when `data.length` is not the product of `dims`.
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims.length > 255 || count !== data.length) {
    throw new DataError(
      `encodeIdx: dims [${dims.join(", ")}] (${count} elements) do not fit ` +
        `${data.length} data bytes (or the number of dims is not 1-255)`,
    );
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (IDX_UBYTE << 8) | dims.length, false);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, headerBytes);
  return out;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/** The exact product of `dims` as a decimal string (BigInt: a header may claim > 2^53 bytes). */
function productString(dims: readonly number[]): string {
  return dims.reduce((acc, size) => acc * BigInt(size), 1n).toString();
}
