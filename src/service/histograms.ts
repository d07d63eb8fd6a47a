/**
 * Latency histograms by name and labels, Prometheus-style: cumulative buckets, a sum and a
 * count. Like the counters, they describe this instance, in process memory.
 */
import { seriesId, type Labels } from "./counters.ts";

/** Seconds. CMS answers in milliseconds when healthy and in seconds when loaded (DOMAIN §6.8). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramSeries {
  name: string;
  labels: Labels;
  buckets: readonly number[];
  /** counts[i] observations ≤ buckets[i]; not cumulative. The last slot is above every bucket. */
  counts: number[];
  sum: number;
  count: number;
}

export function createHistograms(buckets: readonly number[] = LATENCY_BUCKETS) {
  const series = new Map<string, HistogramSeries>();
  const id = seriesId;
  const seriesOf = (name: string, labels: Labels): HistogramSeries => {
    const key = id(name, labels);
    let s = series.get(key);
    if (!s) {
      s = { name, labels: { ...labels }, buckets, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 };
      series.set(key, s);
    }
    return s;
  };
  return {
    /** The series of a name and label set, made empty if it is new: keep it and observe into it (`observeIn`). */
    series: seriesOf,
    snapshot: (): HistogramSeries[] => [...series.values()].map((s) => ({ ...s, labels: { ...s.labels }, counts: [...s.counts] })),
  };
}

export type Histograms = ReturnType<typeof createHistograms>;

/** One observation into a series. */
export function observeIn(s: HistogramSeries, value: number): void {
  let slot = 0;
  // The first bucket the value is within; anything else (NaN too) in the last slot.
  while (slot < s.buckets.length && !(value <= s.buckets[slot]!)) slot++;
  s.counts[slot]!++;
  s.sum += value;
  s.count++;
}
