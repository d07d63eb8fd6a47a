/**
 * Counters of what the service saw and did, by name and labels. The status API and /metrics read
 * them; nothing else. Kept in process memory: they describe this instance, not the cluster.
 */
export type Labels = Record<string, string>;

/** One series per name and label set, whatever order the labels come in. */
export function seriesId(name: string, labels: Labels): string {
  const entries = Object.entries(labels);
  // Counted on every CDR batch and CMS request: most series have one label, which needs no sort.
  if (entries.length > 1) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let id = `${name}{`;
  for (let i = 0; i < entries.length; i++) id += `${i ? "," : ""}${entries[i]![0]}=${entries[i]![1]}`;
  return `${id}}`;
}

export function createCounters() {
  const id = seriesId;
  const values = new Map<string, { name: string; labels: Labels; value: number }>();
  return {
    inc(name: string, labels: Labels = {}, by = 1) {
      const key = id(name, labels);
      const entry = values.get(key);
      if (entry) entry.value += by;
      else values.set(key, { name, labels, value: by });
    },
    get: (name: string, labels: Labels = {}) => values.get(id(name, labels))?.value ?? 0,
    snapshot: () => [...values.values()].map((e) => ({ ...e, labels: { ...e.labels } })),
  };
}

export type Counters = ReturnType<typeof createCounters>;
