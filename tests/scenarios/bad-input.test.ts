/**
 * Bad input gets a clear, quick refusal and loses nothing: every hostile or broken body is
 * answered in under a second, the service keeps serving, and the state is unchanged.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { skipOn, startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;
let before_: string;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  svc = await startService({ ...sim.env, STORAGE: "memory", MAX_BODY_BYTES: String(1024 * 1024) });
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Existing" });
  await svc.post("/cdr/cb-a", a.records(records, a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records));
  // The CMS shows the banner a moment before the service has recorded that it applied it.
  await eventually(async () => (await svc.meetings()).some((m) => m.calls[0]?.callId === call.id && m.calls[0]?.applied !== null), { what: "baseline banner recorded" });
  before_ = JSON.stringify(await svc.meetings());
});
after(async () => {
  await svc.stop();
  await sim.close();
});

const deep = "<records>" + "<a>".repeat(10_000) + "</a>".repeat(10_000) + "</records>";
const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><records session="s"><record type="callStart" time="2024-01-01T00:00:00Z" recordIndex="1" correlatorIndex="1"><call id="x"><name>&lol3;</name></call></record></records>`;
const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><records><record type="callStart" time="2024-01-01T00:00:00Z" recordIndex="1" correlatorIndex="1"><call id="x"><name>&x;</name></call></record></records>`;

const cases: [string, string, RegExp][] = [
  ["malformed XML", "<records><record type='callStart'></records>", /well-formed|XML/i],
  ["not XML at all", '{"records": []}', /XML|records/i],
  ["an empty body", "", /empty/i],
  ["an entity bomb", bomb, /DOCTYPE|ENTITY/i],
  ["an external entity", xxe, /DOCTYPE|ENTITY/i],
  ["10,000-deep nesting", deep, /deep|nest/i],
  ["the wrong root element", "<calls><call id='x'/></calls>", /root|records/i],
];

for (const [name, body, reason] of cases) {
  test(`${name} → 400 with a reason, quickly, nothing changed`, async () => {
    const t0 = performance.now();
    const res = await svc.post("/cdr/cb-a", body);
    const ms = performance.now() - t0;
    assert.equal(res.status, 400);
    assert.match(await res.text(), reason);
    assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
    assert.equal(JSON.stringify(await svc.meetings()), before_);
  });
}

test("a 20 MB body → 413, quickly, nothing changed", async () => {
  const body = "<records>" + "x".repeat(20 * 1024 * 1024) + "</records>";
  const t0 = performance.now();
  const res = await svc.post("/cdr/cb-a", body);
  assert.equal(res.status, 413);
  assert.match(await res.text(), /larger than/);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(JSON.stringify(await svc.meetings()), before_);
});

// The Worker answers 413 too, but under `wrangler dev` an answer given before a chunked body was
// read whole now and then reaches the client as a reset connection (or a 503) instead.
const earlyAnswerLost = skipOn(["workerd"], "wrangler dev resets a chunked upload that the Worker answered early");

test("an oversized chunked body (no Content-Length) → 413, nothing changed", { skip: earlyAnswerLost }, async () => {
  const chunk = new TextEncoder().encode("<x>".repeat(100_000));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ >= 20) controller.close();
      else controller.enqueue(chunk);
    },
  });
  const t0 = performance.now();
  const res = await fetch(`${svc.url}/cdr/cb-a`, { method: "POST", body: stream, duplex: "half", headers: { "content-type": "text/xml" } } as RequestInit);
  assert.equal(res.status, 413);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(JSON.stringify(await svc.meetings()), before_);
});

test("good and bad records in one well-formed batch: 200, the good ones applied, the bad ones counted and logged", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Mixed batch" });
  const bad = `<record type="callLegStart" time="2024-01-01T00:00:00Z" recordIndex="1" correlatorIndex="1"><callLeg id="../../etc/passwd"><call>${call.id}</call></callLeg></record>`;
  const noId = `<record type="callLegStart" time="2024-01-01T00:00:00Z" recordIndex="2" correlatorIndex="2"><callLeg><call>${call.id}</call></callLeg></record>`;
  const odd = `<record type="recordingStart" time="2024-01-01T00:00:00Z" recordIndex="3" correlatorIndex="3"><recording id="r1"/></record>`;
  const res = await svc.post("/cdr/cb-a", a.records(records, [bad, noId, odd]));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "");
  await eventually(async () => (await svc.meetings()).some((m) => m.calls[0]?.callId === call.id), { what: "the good record applied" });
  const stats = (await (await svc.get("/api/stats")).json()) as { counters: { name: string; labels: Record<string, string>; value: number }[] };
  const rejected = stats.counters.filter((c) => c.name === "cdr_records_rejected").reduce((n, c) => n + c.value, 0);
  const ignored = stats.counters.find((c) => c.name === "cdr_records_ignored" && c.labels.type === "recordingStart")?.value;
  assert.equal(rejected, 2);
  assert.equal(ignored, 1);
  assert.equal(svc.events().filter((e) => e.msg === "CDR record rejected").length, 2);
});

test("a batch for a node that is not configured → 404 naming the node", async () => {
  const res = await svc.post("/cdr/cb-zz", sim.cluster.node("cb-a").records([]));
  assert.equal(res.status, 404);
  assert.match(await res.text(), /cb-zz/);
});

test("after all that, the service still serves", async () => {
  assert.equal((await svc.get("/healthz")).status, 200);
  assert.equal((await svc.get("/readyz")).status, 200);
});
