/**
 * IDX files on disk and gzip decompression: the Node-only half of the IDX reader (`idx.ts` parses
 * bytes in any JS runtime).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DataError } from "./errors.js";
import { isGzip, parseIdx, type IdxArray, type IdxOptions } from "./idx.js";

/** Default for {@link IdxFileOptions.maxDecompressedBytes}: 256 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/** Options for {@link readIdxFile}. */
export interface IdxFileOptions extends IdxOptions {
  /**
   * Upper bound on the size of a decompressed gzip stream, in bytes (default 256 MiB, five times
   * the largest MNIST file). A stream that inflates past it (a "gzip bomb") is rejected without
   * allocating more than this.
   */
  maxDecompressedBytes?: number;
}

/**
 * Returns `bytes` unchanged, or its decompressed content when it starts with the gzip magic
 * `1f 8b`. Decompression is bounded by `maxDecompressedBytes`.
 *
 * @throws {DataError} on a corrupt gzip stream or one that inflates past the bound.
 */
export function maybeGunzip(
  bytes: Uint8Array,
  source = "<bytes>",
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxDecompressedBytes });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      throw new DataError(
        `${source}: gzip stream decompresses to more than ${maxDecompressedBytes} bytes ` +
          `(the maxDecompressedBytes limit); the file is not a dataset file or is a gzip bomb`,
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError(`${source}: corrupt gzip stream (${reason}); delete it and fetch it again`);
  }
}

/**
 * Reads and parses an IDX file from disk, gzipped or raw (see {@link parseIdx}; gzip is detected
 * by its magic bytes, not the file name, and decompressed with {@link maybeGunzip}).
 *
 * @throws {DataError} when the file cannot be read, inflates past `maxDecompressedBytes`, or is
 *   malformed.
 */
export function readIdxFile(path: string, options: IdxFileOptions = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError(`cannot read IDX file ${path}: ${reason}`);
  }
  const source = options.source ?? path;
  const raw = maybeGunzip(bytes, source, options.maxDecompressedBytes);
  return parseIdx(raw, { ndim: options.ndim, source });
}
