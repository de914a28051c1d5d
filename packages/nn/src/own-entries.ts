/** Names JavaScript lists before all other keys, in numeric order: canonical array indices. */
export function isArrayIndex(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1;
}

/**
 * An object's own enumerable entries in the order they were added. JavaScript lists
 * integer-like keys (`"0"`, `"1"`, ...) before all others whatever their insertion order, so
 * such keys carry an anchor: how many other keys existed when each was added (`anchors`, in
 * insertion order). Used so that `Sequential({ fc, act }).append(m)` lists `fc, act, 2`, as
 * PyTorch does.
 */
export function ownEntriesInOrder(
  obj: object,
  anchors: ReadonlyMap<string, number>,
): [string, unknown][] {
  const entries = Object.entries(obj);
  if (anchors.size === 0) return entries;
  const others = entries.filter(([k]) => !anchors.has(k));
  const value = new Map(entries);
  const ints = [...anchors].filter(([k]) => value.has(k));
  const out: [string, unknown][] = [];
  let j = 0;
  for (let i = 0; i <= others.length; i++) {
    while (j < ints.length && ints[j]![1] <= i) {
      const k = ints[j++]![0];
      out.push([k, value.get(k)]);
    }
    if (i < others.length) out.push(others[i]!);
  }
  return out;
}
