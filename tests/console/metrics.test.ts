/**
 * GET /metrics after a scripted meeting: exact counter values (records by type, batches by
 * outcome, duplicates, banner writes by result, reconciles) and the CMS latency histogram's
 * buckets, in the Prometheus text format.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  // Every API answer takes at least 30 ms, so the histogram's low buckets must stay empty.
  sim.cluster.node("cb-a").latencyMs = 30;
  svc = await startService({ ...sim.env, STORAGE: "memory" }, "node");
});
after(async () => {
  await svc.stop();
  await sim.close();
});

/** `name{labels}` exactly as printed → value. */
async function scrape(): Promise<{ text: string; values: Map<string, number>; type: string | null }> {
  const res = await svc.get("/metrics");
  assert.equal(res.status, 200);
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+) (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    values.set(m[1]!, m[2] === "+Inf" ? Infinity : Number(m[2]));
  }
  return { text, values, type: res.headers.get("content-type") };
}

test("counters and the latency histogram after a guest joins and leaves", async () => {
  const a = sim.cluster.node("cb-a");
  await eventually(async () => (await scrape()).values.get('cms_notify_reconcile_runs_total{outcome="ok"}') === 1, { what: "the start-up reconcile" });

  const { call, records } = a.startCall({ name: "Metrics meeting" });
  const alice = a.addLeg(call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
  assert.equal((await svc.post("/cdr/cb-a", a.records(records, alice.records))).status, 200);
  // The first banner PUT is answered 503 once; the client retries it.
  a.fail({ method: "PUT", status: 503, times: 1 });
  const guest = a.addLeg(call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
  const guestBatch = a.records(guest.records);
  assert.equal((await svc.post("/cdr/cb-a", guestBatch)).status, 200);
  await eventually(() => call.message !== null, { what: "the banner" });
  assert.equal((await svc.post("/cdr/cb-a", guestBatch)).status, 200, "CMS re-sends a batch");
  assert.equal((await svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)))).status, 200);
  await eventually(() => call.message === null, { what: "the banner cleared" });
  assert.equal((await svc.post("/cdr/cb-a", "<records><oops")).status, 400);

  const { text, values, type } = await eventually(async () => {
    const s = await scrape();
    return s.values.get('cms_notify_banner_writes_total{node="cb-a",result="cleared"}') === 1 && s;
  }, { what: "the clear counted" });
  assert.equal(type, "text/plain; version=0.0.4; charset=utf-8");
  const v = (key: string) => values.get(key);

  assert.equal(v('cms_notify_cdr_records_total{type="callStart"}'), 1);
  assert.equal(v('cms_notify_cdr_records_total{type="callLegStart"}'), 3, "Alice, the guest, the guest again");
  assert.equal(v('cms_notify_cdr_records_total{type="callLegUpdate"}'), 3);
  assert.equal(v('cms_notify_cdr_records_total{type="callLegEnd"}'), 1);
  assert.equal(v('cms_notify_cdr_batches_total{outcome="200"}'), 4);
  assert.equal(v('cms_notify_cdr_batches_total{outcome="400"}'), 1);
  assert.equal(v('cms_notify_cdr_batches_total{outcome="503"}'), 0, "shown before it ever happens");
  assert.equal(v("cms_notify_cdr_records_deduplicated_total"), 2);
  assert.equal(v('cms_notify_banner_writes_total{node="cb-a",result="set"}'), 1);
  assert.equal(v('cms_notify_banner_writes_total{node="cb-a",result="cleared"}'), 1);
  assert.equal(v('cms_notify_cms_requests_total{method="PUT",node="cb-a",outcome="busy"}'), 1);
  assert.equal(v('cms_notify_cms_requests_total{method="PUT",node="cb-a",outcome="ok"}'), 2);
  assert.equal(v('cms_notify_reconcile_runs_total{outcome="ok"}'), 1);
  assert.equal(v('cms_notify_live_meetings'), 1);
  assert.equal(v('cms_notify_live_participants{class="internal"}'), 1);
  assert.equal(v('cms_notify_live_participants{class="external"}'), 0);
  assert.equal(v('cms_notify_cms_node_up{node="cb-a"}'), 1);
  assert.ok(Math.abs(v('cms_notify_last_cdr_timestamp_seconds{node="cb-a"}')! - Date.now() / 1000) < 60);

  assert.match(text, /^# TYPE cms_notify_cms_request_duration_seconds histogram$/m);
  assert.match(text, /^# HELP cms_notify_cdr_batches_total /m);
  const h = (outcome: string, le: string) => v(`cms_notify_cms_request_duration_seconds_bucket{node="cb-a",outcome="${outcome}",le="${le}"}`);
  const okCount = v('cms_notify_cms_request_duration_seconds_count{node="cb-a",outcome="ok"}')!;
  const okRequests = [...values].filter(([k]) => /^cms_notify_cms_requests_total\{.*node="cb-a",outcome="ok"\}$/.test(k)).reduce((n, [, x]) => n + x, 0);
  assert.equal(okCount, okRequests, "one observation per request attempt");
  assert.equal(h("ok", "0.005"), 0);
  assert.equal(h("ok", "0.025"), 0, "nothing faster than the 30 ms the simulator waits");
  assert.equal(h("ok", "10"), okCount);
  assert.equal(h("ok", "+Inf"), okCount);
  assert.equal(h("busy", "+Inf"), 1);
  assert.equal(v('cms_notify_cms_request_duration_seconds_count{node="cb-a",outcome="busy"}'), 1);
  assert.ok(v('cms_notify_cms_request_duration_seconds_sum{node="cb-a",outcome="ok"}')! >= okCount * 0.03);
  const buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"].map((le) => h("ok", le)!);
  assert.deepEqual(buckets, [...buckets].sort((x, y) => x - y), "buckets are cumulative");
});
