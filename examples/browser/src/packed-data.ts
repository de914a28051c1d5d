/**
 * The demo's data file: a Fashion-MNIST subset packed at build time (pack-data.ts) into one static
 * binary, so the page needs no network beyond its own origin. Layout, little-endian:
 * the 8 ASCII bytes `TSGFMN01`, uint32 training count, uint32 test count, then the training
 * images (28 × 28 uint8 each, row-major), the training labels (uint8), the test images and the
 * test labels.
 */
import { DataError } from "@tsgrad/datasets";

const MAGIC = "TSGFMN01";
const HEADER = MAGIC.length + 8;
/** Pixels of one image. */
export const PIXELS = 28 * 28;
/** Images packed for the page: the Node figure's `--limit` and `--test-limit`. */
export const TRAIN_IMAGES = 10_000;
export const TEST_IMAGES = 2_000;
/** The packed file's name, at the root of the site. */
export const PACKED_NAME = "fashion-mnist-12k.bin";

/** One split: uint8 pixels image after image, and uint8 labels. */
export interface PackedSplit {
  images: Uint8Array;
  labels: Uint8Array;
}

/** Both splits of a packed file. */
export interface PackedData {
  train: PackedSplit;
  test: PackedSplit;
}

/** Packs two splits into the file's bytes. */
export function encodePacked(data: PackedData): Uint8Array {
  const { train, test } = data;
  for (const [name, s] of [
    ["train", train],
    ["test", test],
  ] as const) {
    if (s.images.length !== s.labels.length * PIXELS) {
      throw new DataError(
        `encodePacked: ${name} has ${s.labels.length} labels but ${s.images.length} pixel bytes (expected ${s.labels.length * PIXELS})`,
      );
    }
  }
  const parts = [train.images, train.labels, test.images, test.labels];
  const out = new Uint8Array(HEADER + parts.reduce((n, p) => n + p.length, 0));
  out.set(new TextEncoder().encode(MAGIC));
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.length, train.labels.length, true);
  view.setUint32(MAGIC.length + 4, test.labels.length, true);
  let at = HEADER;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Reads a packed file (views into `bytes`, no copy); `DataError` when it is not one. */
export function decodePacked(bytes: Uint8Array): PackedData {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (bytes.length < HEADER || magic !== MAGIC) {
    throw new DataError(`decodePacked: not a packed Fashion-MNIST file (no ${MAGIC} header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nTrain = view.getUint32(MAGIC.length, true);
  const nTest = view.getUint32(MAGIC.length + 4, true);
  const expected = HEADER + (nTrain + nTest) * (PIXELS + 1);
  if (bytes.length !== expected) {
    throw new DataError(
      `decodePacked: ${nTrain} + ${nTest} images need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  let at = HEADER;
  const take = (n: number): Uint8Array => bytes.subarray(at, (at += n));
  const train = { images: take(nTrain * PIXELS), labels: take(nTrain) };
  const test = { images: take(nTest * PIXELS), labels: take(nTest) };
  return { train, test };
}
