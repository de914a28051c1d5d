import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DataError, encodeIdx } from "../src/index.js";
import { FashionMNIST, MNIST, type FetchLike, type FileChecksum } from "../src/node.js";
import { makeSplit, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Four small gzipped IDX files with the official names, and their checksum table. */
function fakeDataset(): {
  served: Map<string, Uint8Array>;
  checksums: Record<string, FileChecksum>;
} {
  const train = makeSplit(6, { seed: 1 });
  const test = makeSplit(3, { seed: 2 });
  const raw: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte.gz": train.images,
    "train-labels-idx1-ubyte.gz": train.labels,
    "t10k-images-idx3-ubyte.gz": test.images,
    "t10k-labels-idx1-ubyte.gz": test.labels,
  };
  const served = new Map<string, Uint8Array>();
  const checksums: Record<string, FileChecksum> = {};
  for (const [name, content] of Object.entries(raw)) {
    const gz = gzipSync(content, { level: 9 });
    served.set(name, gz);
    checksums[name] = { md5: md5(gz), sha256: sha256(content) };
  }
  return { served, checksums };
}

/** A fetch that serves `files` under `base`, 404s elsewhere, and records every URL asked for. */
function fakeFetch(base: string, files: Map<string, Uint8Array>, calls: string[] = []): FetchLike {
  return async (url) => {
    calls.push(url);
    const body = url.startsWith(base) ? files.get(url.slice(base.length)) : undefined;
    return {
      ok: body !== undefined,
      status: body === undefined ? 404 : 200,
      statusText: body === undefined ? "Not Found" : "OK",
      arrayBuffer: async () => {
        const copy = new Uint8Array(body ?? new Uint8Array(0));
        return copy.buffer;
      },
    };
  };
}

const offline: FetchLike = async () => {
  throw new TypeError("fetch failed", { cause: new Error("getaddrinfo ENOTFOUND example.org") });
};

async function rejection(promise: Promise<unknown>): Promise<DataError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe("download()", () => {
  it("fetches, verifies and writes the four files, which then load", async () => {
    const { served, checksums } = fakeDataset();
    const root = join(tempDir(), "fresh", "dir");
    const calls: string[] = [];
    const options = { fetch: fakeFetch("https://m/", served, calls), mirrors: ["https://m/"] };
    const dir = await FashionMNIST.download(root, { ...options, checksums });
    expect(dir).toBe(root);
    expect(readdirSync(root).sort()).toEqual([...served.keys()].sort()); // no temp files left
    for (const [name, gz] of served)
      expect(readFileSync(join(root, name))).toEqual(Buffer.from(gz));
    expect(new FashionMNIST({ root }).length).toBe(6);
    expect(new FashionMNIST({ root, train: false }).length).toBe(3);
    expect(calls).toHaveLength(4);

    // A second download keeps the verified files and fetches nothing.
    await FashionMNIST.download(root, { ...options, checksums });
    expect(calls).toHaveLength(4);
  });

  it("tries the next mirror after an HTTP error", async () => {
    const { served, checksums } = fakeDataset();
    const root = tempDir();
    const calls: string[] = [];
    const fetch = fakeFetch("https://good/", served, calls);
    await MNIST.download(root, { fetch, checksums, mirrors: ["https://bad/", "https://good/"] });
    expect(calls.filter((url) => url.startsWith("https://bad/"))).toHaveLength(4);
    expect(new MNIST({ root }).length).toBe(6);
  });

  it("accepts a recompressed file whose content SHA-256 matches (Debian's copies)", async () => {
    const { served, checksums } = fakeDataset();
    const recompressed = new Map(
      [...served].map(([name, gz]) => [name, gzipSync(gunzipSync(gz), { level: 1 })]),
    );
    for (const [name, gz] of recompressed) expect(md5(gz)).not.toBe(checksums[name]?.md5);
    const root = tempDir();
    const fetch = fakeFetch("https://m/", recompressed);
    await FashionMNIST.download(root, { fetch, checksums, mirrors: ["https://m/"] });
    expect(readdirSync(root)).toHaveLength(4);
  });

  it("fails cleanly when offline: a DataError naming every URL, nothing on disk", async () => {
    const root = join(tempDir(), "never-created");
    const err = await rejection(FashionMNIST.download(root, { fetch: offline }));
    expect(err.message).toContain(`nothing was written to ${root}`);
    expect(err.message).toContain(
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz: " +
        "fetch failed (getaddrinfo ENOTFOUND example.org)",
    );
    expect(err.message).toContain("(not attempted: train-labels-idx1-ubyte.gz, t10k-images");
    expect(err.message).toContain("sudo apt-get install dataset-fashion-mnist");
    expect(existsSync(root)).toBe(false);
  });

  it("fails cleanly with the real fetch when the mirror refuses connections", async () => {
    const root = join(tempDir(), "never-created");
    const err = await rejection(MNIST.download(root, { mirrors: ["http://127.0.0.1:9/"] }));
    expect(err.message).toMatch(
      /http:\/\/127\.0\.0\.1:9\/train-images-idx3-ubyte\.gz: fetch failed/,
    );
    expect(existsSync(root)).toBe(false);
  });

  it("writes nothing when one file fails verification, even if the others pass", async () => {
    const { served, checksums } = fakeDataset();
    const tampered = new Map(served);
    tampered.set("t10k-labels-idx1-ubyte.gz", gzipSync(encodeLabels([1, 2, 3])));
    const root = tempDir();
    const fetch = fakeFetch("https://m/", tampered);
    const err = await rejection(
      FashionMNIST.download(root, { fetch, checksums, mirrors: ["https://m/"] }),
    );
    expect(err.message).toMatch(
      /t10k-labels-idx1-ubyte\.gz: checksum mismatch: got md5 [0-9a-f]{32}/,
    );
    expect(err.message).toContain(`expected md5 ${checksums["t10k-labels-idx1-ubyte.gz"]?.md5}`);
    expect(readdirSync(root)).toEqual([]);
  });

  it("reports a corrupt download served under a sha256-only checksum", async () => {
    const { served, checksums } = fakeDataset();
    const only = Object.fromEntries(
      Object.entries(checksums).map(([name, sum]) => [name, { sha256: sum.sha256 }]),
    );
    const broken = new Map(served);
    broken.set("train-images-idx3-ubyte.gz", Uint8Array.of(0x1f, 0x8b, 9, 9, 9, 9));
    const root = tempDir();
    const fetch = fakeFetch("https://m/", broken);
    const err = await rejection(
      MNIST.download(root, { fetch, checksums: only, mirrors: ["https://m/"] }),
    );
    expect(err.message).toMatch(/train-images-idx3-ubyte\.gz: corrupt gzip stream/);
    expect(readdirSync(root)).toEqual([]);
  });

  it("replaces an existing file that does not verify", async () => {
    const { served, checksums } = fakeDataset();
    const root = tempDir();
    writeFileSync(join(root, "train-labels-idx1-ubyte.gz"), "stale partial download");
    const calls: string[] = [];
    const fetch = fakeFetch("https://m/", served, calls);
    await MNIST.download(root, { fetch, checksums, mirrors: ["https://m/"] });
    expect(calls).toHaveLength(4);
    expect(new MNIST({ root }).length).toBe(6);
  });

  it("refuses a checksum table that lacks a file, before fetching anything", async () => {
    const { checksums } = fakeDataset();
    delete checksums["train-labels-idx1-ubyte.gz"];
    const calls: string[] = [];
    const fetch = fakeFetch("https://m/", new Map(), calls);
    const err = await rejection(MNIST.download(tempDir(), { fetch, checksums }));
    expect(err.message).toMatch(/no md5 or sha256 checksum given for train-labels-idx1-ubyte\.gz/);
    expect(calls).toEqual([]);
  });

  it("ships the official checksum tables", () => {
    const names = [
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
    ];
    for (const cls of [MNIST, FashionMNIST]) {
      expect(Object.keys(cls.resources.checksums).sort()).toEqual([...names].sort());
      for (const sum of Object.values(cls.resources.checksums))
        expect(sum.md5).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(FashionMNIST.resources.checksums["train-images-idx3-ubyte.gz"]).toEqual({
      md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
      sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    });
  });
});

function encodeLabels(values: number[]): Uint8Array {
  return encodeIdx([values.length], Uint8Array.from(values));
}
