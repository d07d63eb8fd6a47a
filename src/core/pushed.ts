/**
 * `map` and `filter` whose result is always built by push. The built-in ones hand back arrays of
 * either elements kind, holey or packed, by the path they took inside V8, and code that V8 had
 * optimized for one kind is thrown away at the first array of the other. On the banner path
 * (reconciler, applier, meeting reads) that cost, on every cold start, a deoptimization of each
 * function handed such an array and a recompile of 10–30 ms (docs/performance.md, tenth round).
 * Used where arrays pass from one hot function to the next; elsewhere the built-ins are fine.
 */
export function mapPushed<T, U>(items: readonly T[], fn: (item: T, index: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(fn(items[i]!, i));
  return out;
}

export function filterPushed<T, S extends T>(items: readonly T[], keep: (item: T) => item is S): S[] {
  const out: S[] = [];
  for (const item of items) if (keep(item)) out.push(item);
  return out;
}
