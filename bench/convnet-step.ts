/**
 * One training step (forward + backward + Adam) of the reference convnet at batch 100, timed for
 * tsgrad and its peers in the same run, since this machine is shared and noisy: report ratios.
 *
 *   npm run bench -- [--steps 5] [--batch 100] [--tfjs-steps 1] [--no-peers]
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { getBackend, manualSeed, rand, randint } from "@tsgrad/core";
import { CrossEntropyLoss } from "@tsgrad/nn";
import { Adam } from "@tsgrad/optim";
import { ConvNet1 } from "../examples/lib/convnet.js";
import { timeTfjs, type PeerResult } from "./tfjs-peer.js";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "5" },
    batch: { type: "string", default: "100" },
    "tfjs-steps": { type: "string", default: "1" },
    "no-peers": { type: "boolean", default: false },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);

function timeTsgrad(): PeerResult {
  manualSeed(0);
  const model = new ConvNet1();
  const criterion = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const x = rand([batch, 1, 28, 28]);
  const y = randint(0, 10, [batch]);
  const step = (): void => {
    optimizer.zeroGrad();
    criterion.forward(model.forward(x), y).backward();
    optimizer.step();
  };
  step(); // warm-up: JIT compilation
  step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: `tsgrad (${getBackend().name} backend)`,
    samplesPerSecond: (batch * steps) / seconds,
  };
}

function timePytorch(threads: number): PeerResult {
  const name = `PyTorch (${threads} thread${threads > 1 ? "s" : ""}, for scale)`;
  const run = spawnSync(
    "/usr/bin/python3",
    [new URL("pytorch-peer.py", import.meta.url).pathname, `${batch}`, `${steps}`, `${threads}`],
    {
      encoding: "utf8",
      env: { ...process.env, OPENBLAS_NUM_THREADS: `${threads}`, OMP_NUM_THREADS: `${threads}` },
    },
  );
  if (run.status !== 0)
    return { name, samplesPerSecond: null, note: "not installed (apt-get install python3-torch)" };
  return {
    name,
    samplesPerSecond: (JSON.parse(run.stdout) as { samplesPerSecond: number }).samplesPerSecond,
  };
}

const results: PeerResult[] = [timeTsgrad()];
if (!values["no-peers"]) {
  results.push(await timeTfjs("cpu", batch, Number(values["tfjs-steps"])));
  results.push(await timeTfjs("wasm", batch, 1));
  results.push(timePytorch(1), timePytorch(2));
}
const ours = results[0]!.samplesPerSecond!;
console.log(`\nConvNet1 training step, batch ${batch}, ${new Date().toISOString()}\n`);
console.log("| framework | samples/s | tsgrad ÷ peer |");
console.log("|---|---:|---:|");
for (const r of results) {
  const sps = r.samplesPerSecond;
  const ratio = sps === null ? "–" : `${(ours / sps).toFixed(2)}×`;
  console.log(`| ${r.name} | ${sps === null ? (r.note ?? "–") : sps.toFixed(1)} | ${ratio} |`);
}
