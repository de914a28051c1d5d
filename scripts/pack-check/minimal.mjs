// The smallest browser consumer: one creation function and one op. Tree-shaking keeps only what
// they need, so this fails if a module whose import-time effect they rely on is missing from
// `sideEffects` in package.json (a bundler would drop it).
import { add, ones, zeros } from "@tsgrad/core";

const sum = add(zeros([2, 3]), ones([2, 3]))
  .sum()
  .item();
if (sum !== 6) throw new Error(`minimal bundle: expected 6, got ${sum}`);
console.log("minimal bundle: ok");
