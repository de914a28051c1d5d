/**
 * The published shape of each package, checked without building: every `exports` entry lists the
 * "@tsgrad/source" condition first (the monorepo runs from it) and its dist/ targets are what
 * `npm run build` emits for those sources; the metadata a user's tools read is there. The built
 * tarballs themselves are checked by `npm run pack:check`.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const PACKAGES = ["core", "nn", "optim", "datasets"];
const license = readFileSync(join(root, "LICENSE"), "utf8");

type Target = string | { [condition: string]: Target };

/** The dist/ file tsc emits for a source file (`.ts` → `.js`, or `.d.ts` for `types`). */
function emitted(source: string, types: boolean): string {
  return source.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, types ? ".d.ts" : ".js");
}

/** Every .ts file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

function sources(target: Target): string[] {
  return typeof target === "string" ? [target] : Object.values(target).flatMap(sources);
}

describe.each(PACKAGES)("@tsgrad/%s", (name) => {
  const dir = join(root, "packages", name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

  test("exports: the source condition first, then types and import of the matching dist files", () => {
    for (const [subpath, entry] of Object.entries(pkg.exports as Record<string, Target>)) {
      if (subpath === "./package.json") continue;
      if (typeof entry === "string") throw new Error(`${subpath}: expected conditions`);
      const source = entry["@tsgrad/source"]!;
      // core's "." has a Node entry beside the runtime-neutral one, under both conditions
      const nodeSource = typeof source === "string" ? undefined : (source["node"] as string);
      const main = typeof source === "string" ? source : (source["default"] as string);
      expect(Object.keys(entry), subpath).toEqual(
        nodeSource
          ? ["@tsgrad/source", "types", "node", "import"]
          : ["@tsgrad/source", "types", "import"],
      );
      for (const file of sources(source)) expect(existsSync(join(dir, file)), file).toBe(true);
      expect(entry["types"], subpath).toBe(emitted(main, true));
      expect(entry["import"], subpath).toBe(emitted(main, false));
      if (nodeSource) expect(entry["node"], subpath).toBe(emitted(nodeSource, false));
    }
  });

  test("metadata: license, LICENSE, README, files, engines, repository, sideEffects", () => {
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(license);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
    expect(pkg.type).toBe("module");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "README.md", "LICENSE"]));
    expect(pkg.engines?.node).toBe(">=20");
    expect(pkg.repository?.directory).toBe(`packages/${name}`);
    const effects: false | string[] = pkg.sideEffects;
    if (effects !== false) {
      for (const file of effects.filter((f) => f.startsWith("./src/"))) {
        expect(existsSync(join(dir, file)), file).toBe(true);
        expect(effects, file).toContain(emitted(file, false));
      }
    }
    // a module that calls something at its top level (a registration) has an import-time effect
    // a bundler must keep even when none of its exports is used
    const effectful = sourceFiles(join(dir, "src")).filter((file) =>
      /^[A-Za-z_$][\w$.]*\(/m.test(readFileSync(file, "utf8")),
    );
    for (const file of effectful) {
      const entry = `./${relative(dir, file).split(sep).join("/")}`;
      expect(effects === false ? [] : effects, `${entry} runs code at import`).toContain(entry);
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const version = JSON.parse(
        readFileSync(join(root, "packages", dep.replace("@tsgrad/", ""), "package.json"), "utf8"),
      ).version;
      expect(pkg.dependencies[dep], dep).toBe(version);
    }
  });
});
