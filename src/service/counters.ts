/**
 * Counters of what the service saw and did, by name and labels. The status API and /metrics read
 * them; nothing else. Kept in process memory: they describe this instance, not the cluster.
 */
export type Labels = Record<string, string>;

/** Canonical ids by the id the labels spell in the order they came: each call site keeps its order. */
const canonical = new Map<string, string>();

/** One series per name and label set, whatever order the labels come in. */
export function seriesId(name: string, labels: Labels): string {
  // Counted on every CDR batch and CMS request: the labels in their own order and one lookup,
  // rather than an entries array and a sort per call (2-3× slower with three labels).
  let asGiven = `${name}{`;
  let first = true;
  for (const key in labels) {
    asGiven += `${first ? "" : ","}${key}=${labels[key]}`;
    first = false;
  }
  let id = canonical.get(asGiven);
  if (id === undefined) {
    const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    id = `${name}{${entries.map(([k, v]) => `${k}=${v}`).join(",")}}`;
    // Label values are node names, methods, outcomes and record types: a bounded set.
    if (canonical.size < 10_000) canonical.set(asGiven, id);
  }
  return id;
}

/** One series: a caller on a hot path may keep it and add to `value` itself (request-metrics.ts). */
export interface CounterSeries {
  name: string;
  labels: Labels;
  value: number;
}

export function createCounters() {
  const id = seriesId;
  const values = new Map<string, CounterSeries>();
  const series = (name: string, labels: Labels): CounterSeries => {
    const key = id(name, labels);
    let entry = values.get(key);
    if (!entry) values.set(key, (entry = { name, labels: { ...labels }, value: 0 }));
    return entry;
  };
  return {
    inc(name: string, labels: Labels = {}, by = 1) {
      series(name, labels).value += by;
    },
    /** The series itself, made at 0 if it is new: it then shows in snapshots at 0. */
    series,
    get: (name: string, labels: Labels = {}) => values.get(id(name, labels))?.value ?? 0,
    snapshot: () => [...values.values()].map((e) => ({ ...e, labels: { ...e.labels } })),
  };
}

export type Counters = ReturnType<typeof createCounters>;
