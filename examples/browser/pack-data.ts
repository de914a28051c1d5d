/**
 * Packs the browser demo's data: the first 10,000 training and 2,000 test images of
 * Fashion-MNIST (the Node figure's `--limit` and `--test-limit`), read from the local dataset as
 * `npm run train` finds it, into `examples/browser/public/fashion-mnist-12k.bin` (layout in
 * src/packed-data.ts). `npm run demo` and `npm run demo:build` run it first; the page fetches the
 * file from its own origin.
 *
 *   npx tsx examples/browser/pack-data.ts [--data DIR]
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { FashionMNIST } from "@tsgrad/datasets/node";
import { runCommand } from "../lib/cli.js";
import { locateFashionMNIST } from "../lib/fashion-data.js";
import { writeFileAtomic } from "../lib/files.js";
import { text } from "../lib/flags.js";
import { PACKED_NAME, PIXELS, TEST_IMAGES, TRAIN_IMAGES, encodePacked } from "./src/packed-data.js";

const out = join(import.meta.dirname, "public", PACKED_NAME);

await runCommand(
  {
    usage: "npx tsx examples/browser/pack-data.ts [flags]",
    summary: `Packs ${TRAIN_IMAGES} training and ${TEST_IMAGES} test images of Fashion-MNIST into ${out}.`,
    flags: {
      data: text("folder holding the Fashion-MNIST files (default: the usual places)", {
        metavar: "DIR",
      }),
    },
  },
  ({ values }) => {
    const root = locateFashionMNIST(values.data);
    const first = (train: boolean, n: number) => {
      const set = new FashionMNIST({ root, train });
      return { images: set.images.subarray(0, n * PIXELS), labels: set.labels.subarray(0, n) };
    };
    const bytes = encodePacked({
      train: first(true, TRAIN_IMAGES),
      test: first(false, TEST_IMAGES),
    });
    mkdirSync(join(import.meta.dirname, "public"), { recursive: true });
    writeFileAtomic(out, bytes);
    const mb = (bytes.length / 1e6).toFixed(1);
    console.log(
      `packed ${TRAIN_IMAGES} + ${TEST_IMAGES} Fashion-MNIST images into ${out} (${mb} MB)`,
    );
  },
);
