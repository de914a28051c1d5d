// TODO(lead): once packages/core/src/index.ts exports `DataError`, add `"@tsgrad/core": "0.1.0"`
// to this package's dependencies and replace this file's body with
// `export { DataError } from "@tsgrad/core";` so that datasets errors join core's hierarchy
// (`TsgradError` → `DataError`).

/**
 * Malformed or missing data files: a bad IDX header, a truncated or over-long file, a corrupt
 * gzip stream, images and labels that do not match, a dataset that is not on disk, or a download
 * that failed or did not verify. The message names the file(s) involved and how to fix it.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}
