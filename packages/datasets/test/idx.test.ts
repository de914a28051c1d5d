import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx, isGzip, parseIdx } from "../src/index.js";
import { maybeGunzip, readIdxFile, type IdxFileOptions } from "../src/node.js";
import { bytes, expectDataError, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

/** Node's way to parse bytes that may be gzipped: `maybeGunzip`, then the runtime-neutral parser. */
function parseGz(bytes: Uint8Array, options: IdxFileOptions = {}) {
  const { maxDecompressedBytes, ...idx } = options;
  return parseIdx(maybeGunzip(bytes, idx.source, maxDecompressedBytes), idx);
}

/** A raw IDX header: magic word then one big-endian uint32 per dim, plus `payload` bytes. */
function header(magic: number, dims: readonly number[], payload = 0): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}

describe("parseIdx: well-formed files", () => {
  it("parses a raw 3-d image file into dims and a view of the payload", () => {
    const pixels = bytes(2 * 3 * 4);
    const file = encodeIdx([2, 3, 4], pixels);
    expect(Array.from(file.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    const { dims, data } = parseIdx(file, { ndim: 3 });
    expect(dims).toEqual([2, 3, 4]);
    expect(data).toEqual(pixels);
    expect(data.buffer).toBe(file.buffer); // a view, not a copy
    expect(data.byteOffset).toBe(16);
  });

  it("parses a gzipped 1-d label file (detected by the 1f 8b magic)", () => {
    const labels = bytes(50, 3, 10);
    const gz = gzipSync(encodeIdx([50], labels));
    expect(isGzip(gz)).toBe(true);
    const { dims, data } = parseGz(gz, { ndim: 1 });
    expect(dims).toEqual([50]);
    expect(data).toEqual(labels);
  });

  it("runtime-neutral parseIdx refuses gzipped bytes and says how to decompress them", () => {
    const gz = gzipSync(encodeIdx([2], bytes(2)));
    expectDataError(
      () => parseIdx(gz, { source: "l.gz" }),
      /l\.gz: gzipped IDX data .*maybeGunzip from @tsgrad\/datasets\/node.*DecompressionStream/,
    );
  });

  it("accepts a zero-length dimension (an empty dataset)", () => {
    expect(parseIdx(encodeIdx([0, 28, 28], new Uint8Array(0))).dims).toEqual([0, 28, 28]);
  });

  it("round-trips encodeIdx -> (gzip) -> parseIdx for any shape", () => {
    const shape = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(shape, fc.boolean(), fc.integer(), (dims, gz, seed) => {
        const payload = bytes(
          dims.reduce((a, b) => a * b, 1),
          seed,
        );
        const file = encodeIdx(dims, payload);
        const parsed = parseGz(gz ? gzipSync(file) : file);
        expect(parsed.dims).toEqual(dims);
        expect(parsed.data).toEqual(payload);
      }),
      { numRuns: 100 },
    );
  });

  it("reads files from disk, raw and gzipped", () => {
    const dir = tempDir();
    const file = encodeIdx([3, 2], bytes(6));
    writeFileSync(join(dir, "a"), file);
    writeFileSync(join(dir, "a.gz"), gzipSync(file));
    expect(readIdxFile(join(dir, "a")).dims).toEqual([3, 2]);
    expect(readIdxFile(join(dir, "a.gz")).data).toEqual(file.subarray(12));
  });
});

describe("parseIdx: malformed files are DataErrors that name the file", () => {
  it("rejects a wrong magic number", () => {
    const bad = header(0x12345678, [1], 1);
    expectDataError(
      () => parseIdx(bad, { source: "x.idx" }),
      /x\.idx: not an IDX file.*0x12345678/,
    );
  });

  it("rejects an element type other than ubyte, naming it", () => {
    expectDataError(() => parseIdx(header(0x00000d01, [1], 4)), /type 0x0d \(float\)/);
    expectDataError(() => parseIdx(header(0x00004201, [1], 1)), /not a valid IDX type/);
  });

  it("rejects the wrong number of dimensions (labels passed as images)", () => {
    const labels = encodeIdx([5], bytes(5));
    expectDataError(() => parseIdx(labels, { ndim: 3 }), /declares 1 dimension.*expected 3/);
    expectDataError(() => parseIdx(header(0x00000800, [])), /declares 0 dimensions/);
  });

  it("rejects files shorter than the magic number or the header", () => {
    expectDataError(() => parseIdx(new Uint8Array([0, 0, 8])), /3 bytes is shorter/);
    const cut = encodeIdx([2, 2, 2], bytes(8)).subarray(0, 10);
    expectDataError(() => parseIdx(cut), /truncated IDX header: 3 dimension\(s\) need 16/);
  });

  it("rejects truncated data", () => {
    const file = encodeIdx([4, 28, 28], bytes(4 * 784));
    const cut = file.subarray(0, file.length - 1);
    expectDataError(
      () => parseIdx(cut, { source: "imgs" }),
      /imgs: truncated IDX data: header dims \[4, 28, 28\] need 3136 bytes .* only 3135/,
    );
    expectDataError(() => parseGz(gzipSync(cut)), /truncated IDX data/);
  });

  it("rejects trailing bytes after the data", () => {
    const file = encodeIdx([3], bytes(3));
    const longer = new Uint8Array(file.length + 2);
    longer.set(file);
    expectDataError(() => parseIdx(longer), /2 trailing byte\(s\)/);
    expectDataError(() => parseGz(gzipSync(longer)), /2 trailing byte\(s\)/);
  });

  it("rejects a corrupt or cut-off gzip stream", () => {
    const garbage = new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expectDataError(() => parseGz(garbage, { source: "f.gz" }), /f\.gz: corrupt gzip stream/);
    const gz = gzipSync(encodeIdx([100], bytes(100)));
    expectDataError(() => parseGz(gz.subarray(0, gz.length - 10)), /corrupt gzip stream/);
  });

  it("rejects a header claiming 2^31 images in a 100-byte file without allocating", () => {
    const absurd = header(0x00000803, [2 ** 31, 28, 28], 100 - 16);
    // 2^31 * 784 bytes could not be allocated: a DataError (not a RangeError) proves none was tried.
    expectDataError(() => parseIdx(absurd), /need 1683627180032 bytes .* only 84 are present/);
    expectDataError(() => parseGz(gzipSync(absurd)), /need 1683627180032 bytes/);
  });

  it("reports the exact claimed size even past 2^53 (no overflow to Infinity)", () => {
    const huge = header(0x00000804, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 10);
    const exact = (2n ** 32n - 1n) ** 4n;
    expectDataError(() => parseIdx(huge), new RegExp(`need ${exact} bytes`));
  });

  it("bounds gzip decompression (a gzip bomb is rejected)", () => {
    const bomb = gzipSync(new Uint8Array(4 * 1024 * 1024)); // ~4 KB that inflates to 4 MiB
    expect(bomb.length).toBeLessThan(10_000);
    expectDataError(
      () => parseGz(bomb, { maxDecompressedBytes: 1024 * 1024 }),
      /decompresses to more than 1048576 bytes/,
    );
  });

  it("reports an unreadable path", () => {
    expectDataError(
      () => readIdxFile("/nonexistent/tsgrad/x.idx"),
      /cannot read IDX file .*ENOENT/,
    );
  });

  it("encodeIdx refuses data that does not match its dims", () => {
    expectDataError(() => encodeIdx([2, 2], new Uint8Array(3)), /do not fit 3 data bytes/);
  });
});
