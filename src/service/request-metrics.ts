/**
 * What every CMS request leaves behind: a count by node, method and outcome, its latency, and the
 * node's health. A cold reconcile sends eight requests per call, and finding the two series by
 * their label sets (an id built from the labels, then two lookups) cost more than the rest of
 * the request's bookkeeping: each combination's series are found once and kept here.
 */
import type { CmsRequestEvent } from "../cms/client.ts";
import type { CounterSeries, Counters } from "./counters.ts";
import type { Health } from "./health.ts";
import { type HistogramSeries, type Histograms, observeIn } from "./histograms.ts";

export function createRequestMetrics(deps: { counters: Counters; histograms: Histograms; health: Health; now: () => number }) {
  const { counters, histograms, health, now } = deps;
  // Nodes are configured, methods and outcomes are fixed sets: a few dozen entries at most.
  const kept = new Map<string, { count: CounterSeries; latency: HistogramSeries }>();
  return (e: CmsRequestEvent) => {
    const key = `${e.node} ${e.method} ${e.outcome}`;
    let series = kept.get(key);
    if (!series) {
      series = {
        count: counters.series("cms_requests", { node: e.node, method: e.method, outcome: e.outcome }),
        latency: histograms.series("cms_request_seconds", { node: e.node, outcome: e.outcome }),
      };
      kept.set(key, series);
    }
    series.count.value++;
    observeIn(series.latency, e.ms / 1000);
    health.cmsRequest(e, now());
  };
}
