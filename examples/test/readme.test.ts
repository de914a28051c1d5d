import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README code blocks run as written", () => {
  test("the README has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });
  blocks.forEach((code, i) => {
    test(`block ${i + 1} runs with tsx`, () => {
      // inside the repo so that "@tsgrad/*" resolves through the workspace links (to the sources)
      const dir = mkdtempSync(join(root, "examples", ".readme-"));
      try {
        const file = join(dir, `block-${i + 1}.ts`);
        writeFileSync(file, code);
        const run = spawnSync(
          process.execPath,
          ["--conditions=@tsgrad/source", "--import", "tsx", file],
          {
            cwd: root,
            encoding: "utf8",
          },
        );
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe("README pictures", () => {
  const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);

  test("each picture-writing example shows one picture, a small committed PNG; the browser demo a screenshot", () => {
    for (const example of ["pooling", "conv-explained", "feature-maps"]) {
      expect(readme).toContain(`npx tsx examples/${example}.ts`);
    }
    expect(pictures).toEqual([
      "docs/images/pooling.png",
      "docs/images/conv-explained.png",
      "docs/images/feature-maps-conv1.png",
      "docs/images/browser-demo.png",
    ]);
    for (const p of pictures) {
      const bytes = readFileSync(join(root, p));
      expect(bytes.subarray(1, 4).toString()).toBe("PNG");
      // the browser demo's screenshot (npm run test:browser saves it) is a whole page
      const limit = p.endsWith("browser-demo.png") ? 300_000 : 100_000;
      expect(statSync(join(root, p)).size, p).toBeLessThan(limit);
    }
  });
});
