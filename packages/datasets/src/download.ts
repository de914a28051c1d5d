import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "./errors.js";
import { DEFAULT_MAX_DECOMPRESSED_BYTES, maybeGunzip } from "./idx-node.js";

/**
 * Expected checksums of one downloaded file. A file verifies when either matches: `md5` of the
 * bytes as fetched (the official `.gz`), or `sha256` of the decompressed content (which also
 * accepts recompressed copies such as Debian's). At least one must be given. Lowercase hex.
 */
export interface FileChecksum {
  /** Expected MD5 of the downloaded file, hex. */
  md5?: string;
  /** Expected SHA-256 of the decompressed content, hex. */
  sha256?: string;
}

/** The part of a `fetch` `Response` that {@link DownloadOptions.fetch} must provide. */
export interface FetchResponseLike {
  /** Whether the status is 2xx. */
  ok: boolean;
  /** HTTP status code. */
  status: number;
  /** HTTP status message. */
  statusText: string;
  /** The whole body. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`-compatible function; the global `fetch` qualifies. */
export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal },
) => Promise<FetchResponseLike>;

/** Options for `MNIST.download()` / `FashionMNIST.download()`. */
export interface DownloadOptions {
  /** The function used to fetch each URL (default: the global `fetch`). Inject one to test. */
  fetch?: FetchLike;
  /** Expected checksums keyed by file name (default: the official table for the dataset). */
  checksums?: Readonly<Record<string, FileChecksum>>;
  /** Base URLs tried in order, each ending in `/` (default: the official mirrors). */
  mirrors?: readonly string[];
  /** Abort one fetch (request and body) after this many milliseconds (default 600000). */
  timeoutMs?: number;
  /** Bound on a decompressed file while verifying its SHA-256 (default 256 MiB). */
  maxDecompressedBytes?: number;
}

/** What to download: used by the dataset classes, not usually called directly. */
export interface DownloadSpec {
  /** Dataset name for messages, e.g. `"FashionMNIST"`. */
  what: string;
  /** File names to fetch, appended to each mirror URL. */
  files: readonly string[];
  /** A sentence appended to the failure message: other ways to get the data. */
  hint?: string;
}

/**
 * Fetches every file of `spec` into `destDir`, trying each mirror in turn and verifying each file
 * (see {@link FileChecksum}) before anything is written; it stops at the first file that no mirror
 * supplies. Files already in `destDir` that verify are kept and not fetched again. Each file is
 * written to a temporary name and renamed into place, so `destDir` never holds a partial or
 * unverified file. Returns the paths written or kept.
 *
 * @throws {DataError} when a file cannot be fetched from any mirror or fails verification
 *   (nothing is written then), or when writing fails.
 */
export async function downloadFiles(
  spec: DownloadSpec,
  destDir: string,
  mirrors: readonly string[],
  checksums: Readonly<Record<string, FileChecksum>>,
  options: DownloadOptions = {},
): Promise<string[]> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== "function") {
    throw new DataError(`${spec.what}.download: no global fetch in this runtime; pass { fetch }`);
  }
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  for (const file of spec.files) {
    const sum = checksums[file];
    if (sum === undefined || (sum.md5 === undefined && sum.sha256 === undefined)) {
      throw new DataError(`${spec.what}.download: no md5 or sha256 checksum given for ${file}`);
    }
  }
  const fetched = new Map<string, Uint8Array>();
  const failures: string[] = [];
  for (const file of spec.files) {
    const checksum = checksums[file] ?? {};
    const dest = join(destDir, file);
    if (checkExisting(dest, checksum, maxBytes)) continue;
    let got: Uint8Array | undefined;
    const attempts: string[] = [];
    for (const mirror of mirrors) {
      const url = mirror + file;
      const result = await fetchOne(doFetch, url, options.timeoutMs ?? 600_000);
      if (typeof result === "string") {
        attempts.push(`${url}: ${result}`);
        continue;
      }
      const problem = verify(result, checksum, url, maxBytes);
      if (problem === null) {
        got = result;
        break;
      }
      attempts.push(`${url}: ${problem}`);
    }
    if (got === undefined) {
      // Stop at the first file no mirror could supply: offline, each further try only adds waiting.
      failures.push(...(attempts.length > 0 ? attempts : [`${file}: no mirrors given`]));
      const rest = spec.files.slice(spec.files.indexOf(file) + 1);
      if (rest.length > 0) failures.push(`(not attempted: ${rest.join(", ")})`);
      break;
    }
    fetched.set(file, got);
  }
  if (failures.length > 0) {
    throw new DataError(
      `${spec.what}.download: could not fetch a verified copy of every file; nothing was ` +
        `written to ${destDir}. Attempts:\n  ${failures.join("\n  ")}` +
        (spec.hint === undefined ? "" : `\n${spec.hint}`),
    );
  }
  try {
    mkdirSync(destDir, { recursive: true });
  } catch (err) {
    throw new DataError(`${spec.what}.download: cannot create ${destDir}: ${reasonOf(err)}`);
  }
  for (const [file, bytes] of fetched) writeAtomically(join(destDir, file), bytes, spec.what);
  return spec.files.map((file) => join(destDir, file));
}

/** Fetches one URL; returns its bytes, or a one-line reason it failed. Never throws. */
async function fetchOne(
  doFetch: FetchLike,
  url: string,
  timeoutMs: number,
): Promise<Uint8Array | string> {
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return `HTTP ${res.status} ${res.statusText}`.trimEnd();
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    return reasonOf(err);
  }
}

/** Returns null when `bytes` matches `checksum` (md5 as-is or sha256 decompressed), else why not. */
function verify(
  bytes: Uint8Array,
  checksum: FileChecksum,
  source: string,
  maxBytes: number,
): string | null {
  const md5 = createHash("md5").update(bytes).digest("hex");
  if (checksum.md5 !== undefined && md5 === checksum.md5.toLowerCase()) return null;
  const got = [`md5 ${md5}`];
  const want = checksum.md5 === undefined ? [] : [`md5 ${checksum.md5}`];
  if (checksum.sha256 !== undefined) {
    let content: Uint8Array;
    try {
      content = maybeGunzip(bytes, source, maxBytes);
    } catch (err) {
      return reasonOf(err);
    }
    const sha = createHash("sha256").update(content).digest("hex");
    if (sha === checksum.sha256.toLowerCase()) return null;
    got.push(`sha256 of content ${sha}`);
    want.push(`sha256 of content ${checksum.sha256}`);
  }
  return `checksum mismatch: got ${got.join(", ")}; expected ${want.join(" or ")}`;
}

/** True when `path` already holds a file that verifies (so it need not be fetched again). */
function checkExisting(path: string, checksum: FileChecksum, maxBytes: number): boolean {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    return false;
  }
  return verify(bytes, checksum, path, maxBytes) === null;
}

/** Writes `bytes` to a temporary file beside `path`, then renames it into place. */
function writeAtomically(path: string, bytes: Uint8Array, what: string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(tmp, bytes, { flag: "wx" });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new DataError(`${what}.download: cannot write ${path}: ${reasonOf(err)}`);
  }
}

/** A one-line reason from an error, including a fetch error's `cause` (e.g. `ENOTFOUND`). */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
