import * as realFs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, test, vi } from "vitest";
import { DataError, ValueError, tensor } from "@tsgrad/core";
import { loadSafetensors, saveSafetensors } from "@tsgrad/nn/node";

// Simulated disk failures: the write of the temporary file, or the final rename.
const failures = vi.hoisted(() => ({ write: false, rename: false }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (failures.write) throw new Error("ENOSPC: no space left on device (simulated)");
    return fs.writeSync(...args);
  }) as typeof fs.writeSync;
  const renameSync = ((...args: Parameters<typeof fs.renameSync>) => {
    if (failures.rename) throw new Error("EXDEV: rename failed (simulated)");
    return fs.renameSync(...args);
  }) as typeof fs.renameSync;
  return { ...fs, default: { ...fs, writeSync, renameSync }, writeSync, renameSync };
});

const dir = realFs.mkdtempSync(join(tmpdir(), "tsgrad-safetensors-"));
afterAll(() => realFs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  failures.write = false;
  failures.rename = false;
});

describe("saveSafetensors / loadSafetensors", () => {
  test("round-trip through a file, with metadata", () => {
    const path = join(dir, "a.safetensors");
    saveSafetensors({ w: tensor([[1, 2]]), b: tensor([0.5], { dtype: "float64" }) }, path, {
      epoch: "3",
    });
    const f = loadSafetensors(path);
    expect(f.tensors.w!.toArray()).toEqual([[1, 2]]);
    expect(f.tensors.b!.dtype).toBe("float64");
    expect(f.metadata).toEqual({ epoch: "3" });
    expect(realFs.readdirSync(dir).filter((n) => n.includes(".tmp"))).toEqual([]);
  });

  const failing: [string, () => void][] = [
    ["serialisation fails", () => undefined],
    ["the write fails (disk full)", () => (failures.write = true)],
    ["the rename fails", () => (failures.rename = true)],
  ];
  test.each(failing)(
    "when %s, the previous file is intact and no temp file is left",
    (what, arm) => {
      const path = join(dir, "keep.safetensors");
      saveSafetensors({ w: tensor([1, 2, 3]) }, path);
      const before = realFs.readFileSync(path);
      arm();
      const metadata: Record<string, string> =
        what === "serialisation fails" ? { bad: 1 as unknown as string } : {};
      expect(() => saveSafetensors({ w: tensor([9, 9, 9, 9]) }, path, metadata)).toThrow(
        what === "serialisation fails" ? ValueError : /simulated/,
      );
      expect(realFs.readFileSync(path).equals(before)).toBe(true);
      expect(loadSafetensors(path).tensors.w!.toArray()).toEqual([1, 2, 3]);
      expect(realFs.readdirSync(dir).filter((n) => n.includes(".tmp"))).toEqual([]);
    },
  );

  test("a missing file is a DataError naming it", () => {
    const path = join(dir, "nope.safetensors");
    expect(() => loadSafetensors(path)).toThrow(DataError);
    expect(() => loadSafetensors(path)).toThrow(`cannot read '${path}'`);
  });

  test("a truncated file is a DataError naming the file and the problem", () => {
    const path = join(dir, "cut.safetensors");
    saveSafetensors({ w: tensor([1, 2, 3]) }, path);
    const bytes = realFs.readFileSync(path);
    realFs.writeFileSync(path, bytes.subarray(0, bytes.length - 2));
    expect(() => loadSafetensors(path)).toThrow(
      `invalid safetensors file '${path}': tensor 'w' has data_offsets [0, 12] past the end of the 10-byte data buffer`,
    );
  });
});
