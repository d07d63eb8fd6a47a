/**
 * GET /metrics: this instance's counters and latency histogram, and gauges computed at scrape
 * time from the store (live meetings, participants by class) and from what this instance saw
 * (node reachability, last CDR, last reconcile, banner work waiting). A store that cannot be
 * read makes `cms_notify_store_readable` 0 rather than failing the scrape.
 */
import type { Hono } from "hono";
import type { ParticipantClass } from "../core/model.ts";
import type { Labels } from "../service/counters.ts";
import { allMeetings } from "../service/meetings.ts";
import type { Service } from "../service/service.ts";
import { CONTENT_TYPE, formatFamilies, type Family, type Sample } from "./prometheus.ts";

const P = "cms_notify_";

/** Each counter's exported name and help; `seed` series are shown at 0 before the first event. */
const COUNTERS: Record<string, { metric: string; help: string; seed?: Labels[] }> = {
  cdr_records: { metric: "cdr_records_total", help: "CDR records received in accepted batches, by record type." },
  cdr_batches: {
    metric: "cdr_batches_total",
    help: "CDR batches answered, by HTTP status (200 stored, 400 malformed, 401 bad token, 403 address not allowed, 404 unknown node, 413 too large, 503 store down).",
    seed: ["200", "400", "401", "403", "413", "503"].map((outcome) => ({ outcome })),
  },
  cdr_records_duplicate: { metric: "cdr_records_deduplicated_total", help: "CDR records skipped as already applied (CMS re-sent them).", seed: [{}] },
  cdr_records_rejected: { metric: "cdr_records_rejected_total", help: "CDR records refused inside an accepted batch (malformed), by type." },
  cdr_records_ignored: { metric: "cdr_records_ignored_total", help: "CDR records of types cms-notify has no use for, by type." },
  cdr_records_missing: { metric: "cdr_records_missing_total", help: "Records CMS reported as discarded (numPreceedingRecordsMissing), by node." },
  banner_writes: {
    metric: "banner_writes_total",
    help: "Banner writes by node and result: set, cleared, gone (the call had ended), failed (retried later).",
  },
  cms_requests: { metric: "cms_requests_total", help: "CMS API request attempts by node, method and outcome." },
  reconcile_runs: {
    metric: "reconcile_runs_total",
    help: "Reconcile runs by outcome: ok, partial (a node not reached), failed.",
    seed: ["ok", "partial", "failed"].map((outcome) => ({ outcome })),
  },
  reconcile_drift: { metric: "reconcile_drift_corrected_total", help: "Differences from the CMS that reconciles corrected, by kind." },
};

function counterFamilies(service: Service): Family[] {
  const byName = new Map<string, Sample[]>();
  for (const c of service.counters.snapshot()) byName.set(c.name, [...(byName.get(c.name) ?? []), { labels: c.labels, value: c.value }]);
  for (const [name, spec] of Object.entries(COUNTERS)) {
    const samples = byName.get(name) ?? [];
    for (const labels of spec.seed ?? []) {
      if (!samples.some((s) => JSON.stringify(s.labels) === JSON.stringify(labels))) samples.push({ labels, value: 0 });
    }
    byName.set(name, samples);
  }
  return [...byName].map(([name, samples]) => {
    const spec = COUNTERS[name];
    return { name: P + (spec?.metric ?? `${name}_total`), help: spec?.help ?? `Count of ${name.replace(/_/g, " ")}.`, type: "counter", samples };
  });
}

async function liveFamilies(service: Service): Promise<Family[]> {
  const gauge = (name: string, help: string, samples: Sample[]): Family => ({ name: P + name, help, type: "gauge", samples });
  const families: Family[] = [];
  try {
    const meetings = await allMeetings(service.state, service.config.policy);
    const byClass: Record<ParticipantClass, number> = { external: 0, internal: 0, secure: 0 };
    for (const m of meetings) for (const k of Object.keys(byClass) as ParticipantClass[]) byClass[k] += m.decision.counts[k];
    families.push(
      gauge("store_readable", "1 when the state store could be read for this scrape.", [{ labels: {}, value: 1 }]),
      gauge("live_meetings", "Live meetings in the store.", [{ labels: {}, value: meetings.length }]),
      gauge("live_participants", "Participants of live meetings, by class.", Object.entries(byClass).map(([c, value]) => ({ labels: { class: c }, value }))),
    );
  } catch {
    families.push(gauge("store_readable", "1 when the state store could be read for this scrape.", [{ labels: {}, value: 0 }]));
  }
  const nodes = service.health.snapshot();
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const status = service.applier.status();
  const last = service.reconciler.last();
  families.push(
    gauge("cms_node_up", "1 when the node's last CMS API request got an answer, 0 when it did not (absent before the first).",
      nodes.filter((n) => n.state !== "unknown").map((n) => ({ labels: { node: n.node }, value: n.state === "ok" ? 1 : 0 }))),
    gauge("last_cdr_timestamp_seconds", "Unix time of the last CDR batch stored from each node (absent before the first).",
      nodes.filter((n) => n.lastCdrAt).map((n) => ({ labels: { node: n.node }, value: seconds(n.lastCdrAt!) }))),
    gauge("last_reconcile_timestamp_seconds", "Unix time the last reconcile started (absent before the first).",
      last ? [{ labels: {}, value: seconds(last.startedAt) }] : []),
    gauge("banner_work_queued", "Meetings waiting for their banner to be written.", [{ labels: {}, value: status.queued + status.running }]),
    gauge("banner_work_failing", "Meetings whose banner writes are failing and being retried.", [{ labels: {}, value: status.failing.length }]),
  );
  return families;
}

export function mountMetrics(app: Hono, service: Service) {
  app.get("/metrics", async (c) => {
    const histogram: Family = {
      name: `${P}cms_request_duration_seconds`,
      help: "CMS API request attempt latency in seconds, by node and outcome.",
      type: "histogram",
      samples: service.histograms.snapshot().filter((h) => h.name === "cms_request_seconds"),
    };
    const body = formatFamilies([...counterFamilies(service), histogram, ...(await liveFamilies(service))]);
    return c.body(body, 200, { "Content-Type": CONTENT_TYPE, "Cache-Control": "no-store" });
  });
}
