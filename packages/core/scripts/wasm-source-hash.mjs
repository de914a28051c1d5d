// Hash of the AssemblyScript kernel sources: stamped into the generated module by build-wasm.mjs
// and recomputed by a test, so a stale build fails loudly.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** sha256 (16 hex digits) over every `.ts` file in `sourceDir`, by name order. */
export function sourceHash(sourceDir) {
  const hash = createHash("sha256");
  for (const name of readdirSync(sourceDir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    hash
      .update(name)
      .update("\0")
      .update(readFileSync(join(sourceDir, name)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}
