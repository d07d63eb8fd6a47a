// CDR batches (DOMAIN.md §1–2, §8) become typed records; bad records are set aside, bad batches refused.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { parseCdrBatch } from "../../src/core/parse-cdr.ts";
import type { Batch, CdrRecord } from "../../src/core/records.ts";
import { cdrFixture } from "./fixtures.ts";

const SESSION = "9001e76e-925c-472b-8b8a-2127edcfb82b";
const BRIDGE = "7bb74dcb-9eaa-4986-ad87-4fc3f94183fc";
const CALL = "25f47d9c-b1fb-40b6-87d4-e2ef8ba7e52f";

function parsed(body: string): Batch {
  const result = parseCdrBatch(body);
  if (!result.ok) assert.fail(`batch refused: ${result.reason}`);
  return result.batch;
}

function refused(body: string): string {
  const result = parseCdrBatch(body);
  if (result.ok) assert.fail("expected the batch to be refused");
  return result.reason;
}

/** One record in a batch; `attrs` replaces the usual header when given. */
function batchOf(records: string): string {
  return `<records session="${SESSION}">${records}</records>`;
}
function record(type: string, body: string, attrs = 'time="2024-03-05T09:00:01Z" recordIndex="7" correlatorIndex="8"'): string {
  return `<record type="${type}" ${attrs}>${body}</record>`;
}
function only(body: string): CdrRecord {
  const batch = parsed(batchOf(body));
  assert.deepEqual(batch.rejected, []);
  assert.equal(batch.records.length, 1);
  return batch.records[0]!;
}

test("A: a callStart and a Meeting App leg, with every field kept and the batch's origin", () => {
  assert.deepEqual(parsed(cdrFixture("a-callstart-and-app-leg")), {
    session: SESSION,
    callBridge: BRIDGE,
    records: [
      {
        type: "callStart", time: "2024-03-05T09:00:01Z", recordIndex: 1201, correlatorIndex: 5310, missing: 0,
        call: {
          id: CALL, name: "Project Falcon - RESTRICTED", callType: "coSpace",
          coSpace: "4d4b457f-9f1d-4006-8aff-e5caee319c07", tenant: "ec99d929-73db-4dcb-b304-3c059afd8e92",
          callCorrelator: "40b096ec-4823-4040-adfe-474a2620a46c",
        },
      },
      {
        type: "callLegStart", time: "2024-03-05T09:00:01Z", recordIndex: 1202, correlatorIndex: 5311, missing: 0,
        leg: {
          id: "85fbe005-5d25-48a9-bbc7-46ee4e20788c", callId: CALL, displayName: "Alice Andersson",
          remoteParty: "alice@corp.example", type: "acano", direction: "incoming",
          guestConnection: false, recording: false, streaming: false,
        },
      },
    ],
    rejected: [],
    ignored: {},
  });
});

test("B: a web app guest's leg carries guestConnection and subType webApp; its update carries state", () => {
  const start = parsed(cdrFixture("b-webapp-guest-start")).records[0]!;
  assert.equal(start.type, "callLegStart");
  assert.equal(start.leg.guestConnection, true);
  assert.equal(start.leg.subType, "webApp");
  assert.equal(start.leg.displayName, "Visitor Bob");

  const update = parsed(cdrFixture("b-webapp-guest-update")).records[0]!;
  assert.deepEqual(update, {
    type: "callLegUpdate", time: "2024-03-05T09:02:15Z", recordIndex: 1204, correlatorIndex: 5313, missing: 0,
    leg: { id: "f461844c-5ae8-46f4-a32d-0bdf9de5c7e4", callId: CALL, inIvr: false, state: "connected", deactivated: false, displayName: "Visitor Bob" },
  });
});

test("C: a SIP leg that starts before its call is known gets the call from its update", () => {
  const start = parsed(cdrFixture("c-sip-partner-start")).records[0]!;
  assert.equal(start.type, "callLegStart");
  assert.equal(start.leg.callId, undefined);
  assert.equal(start.leg.remoteParty, "room-12@partner.example.net");
  assert.equal(start.leg.localAddress, "falcon@video.corp.example");

  const update = parsed(cdrFixture("c-sip-partner-update")).records[0]!;
  assert.equal(update.type, "callLegUpdate");
  assert.equal(update.leg.callId, CALL);
  assert.equal(update.leg.remoteAddress, "room-12@partner.example.net");
});

test("D: the distributed call on node B, its distribution link, and a caller with a + number", () => {
  const batch = parsed(cdrFixture("d-node-b-distributed-call"));
  assert.equal(batch.callBridge, "fdbb1b69-9930-455b-a19a-57495510f806");
  assert.deepEqual(batch.records.map((r) => r.type), ["callStart", "callLegStart", "callLegStart"]);
  const [, link, caller] = batch.records;
  assert.equal(link?.type === "callLegStart" && link.leg.subType, "distributionLink");
  assert.ok(caller?.type === "callLegStart");
  // The "+" survives and the empty <displayName/> means "not given" (TOOLCHAIN gotcha 7).
  assert.equal(caller.leg.remoteParty, "+4670123456@gw.carrier.example");
  assert.equal("displayName" in caller.leg, false);
});

test("E: callLegEnd gives the leg and reason, callEnd the call; media statistics are ignored", () => {
  assert.deepEqual(parsed(cdrFixture("e-last-leg-end-and-call-end")).records, [
    { type: "callLegEnd", time: "2024-03-05T10:00:09Z", recordIndex: 1240, correlatorIndex: 5360, missing: 0, legId: "85fbe005-5d25-48a9-bbc7-46ee4e20788c", reason: "remoteTeardown" },
    { type: "callEnd", time: "2024-03-05T10:00:09Z", recordIndex: 1241, correlatorIndex: 5361, missing: 0, callId: CALL },
  ]);
});

test("F: numPreceedingRecordsMissing (sic) becomes `missing`, and no <?xml?> prologue is needed", () => {
  const [rec] = parsed(cdrFixture("f-after-outage")).records;
  assert.equal(rec?.missing, 3647);
  assert.equal(rec?.correlatorIndex, 9010);
});

test("a batch mixing good, bad and unknown records keeps the good ones in order and says what was wrong", () => {
  const batch = parsed(cdrFixture("mixed-good-and-bad"));
  assert.deepEqual(batch.records.map((r) => [r.type, r.recordIndex]), [["callStart", 1301], ["callEnd", 1307]]);
  assert.deepEqual(batch.rejected, [
    { position: 2, type: "callLegStart", reason: 'callLeg@id is not a safe id, got "../../etc"' },
    { position: 4, type: "callLegUpdate", reason: "callLeg@id missing" },
    { position: 6, type: "callLegEnd", reason: 'record@recordIndex must be a non-negative integer, got "many"' },
  ]);
  assert.deepEqual(batch.ignored, { recordingStart: 2, meetingStart: 1 });
});

test("empty and whitespace bodies are refused as empty", () => {
  assert.equal(refused(""), "empty body");
  assert.equal(refused(" \r\n\t "), "empty body");
});

test("non-XML and truncated XML are refused as not well-formed", () => {
  assert.match(refused("hello, this is not xml"), /^not well-formed XML: /);
  assert.match(refused('{"records": []}'), /^not well-formed XML: /);
  const truncated = cdrFixture("a-callstart-and-app-leg").slice(0, 400);
  assert.match(refused(truncated), /^not well-formed XML: /);
});

test("a well-formed document with another root is refused, naming the root", () => {
  assert.equal(refused('<?xml version="1.0"?><calls total="0"></calls>'), "root element is <calls>, expected <records>");
});

test("plain bodies skip the guard's scan but not its limits: too deep, or with a DOCTYPE, is refused with the guard's reason", () => {
  const body = cdrFixture("e-last-leg-end-and-call-end");
  const deep = (maxDepth: number) => parseCdrBatch(body, { maxDepth });
  const r4 = deep(4);
  assert.equal(r4.ok ? "accepted" : r4.reason, "elements nested deeper than 4 levels");
  let fits = 4;
  while (!deep(fits).ok) fits++;
  const under = deep(fits - 1);
  assert.equal(under.ok ? "accepted" : under.reason, `elements nested deeper than ${fits - 1} levels`, "one level under what the body needs is refused");
  assert.equal(refused(`<!DOCTYPE records [<!ENTITY x "y">]>${batchOf(record("callEnd", `<call id="${CALL}"/>`))}`), "DOCTYPE and ENTITY declarations are not accepted");
});

test("<records> without any <record> is refused", () => {
  assert.equal(refused(`<records session="${SESSION}"/>`), "no <record> elements");
  assert.equal(refused("<records>\n</records>"), "no <record> elements");
  assert.equal(refused("<records><call id='x'/></records>"), "no <record> elements");
});

test("unsafe session or callBridge attributes refuse the whole batch", () => {
  const rec = record("callEnd", `<call id="${CALL}"/>`);
  assert.equal(refused(`<records session="../../etc">${rec}</records>`), 'records@session is not a safe id, got "../../etc"');
  assert.equal(refused(`<records callBridge="a/b">${rec}</records>`), 'records@callBridge is not a safe id, got "a/b"');
  assert.match(refused(`<records callBridge="${"a".repeat(65)}">${rec}</records>`), /^records@callBridge is not a safe id/);
});

test("a batch without callBridge is accepted (DOMAIN §10.14)", () => {
  const batch = parsed(batchOf(record("callEnd", `<call id="${CALL}"/>`)));
  assert.equal(batch.session, SESSION);
  assert.equal("callBridge" in batch, false);
});

test("an element the parser refuses to build (__proto__) refuses the batch instead of throwing", () => {
  assert.match(refused(batchOf(record("callEnd", `<call id="${CALL}"><__proto__>x</__proto__></call>`))), /^XML refused by the parser: /);
});

test("child element names are read case-insensitively (subType/subtype, DOMAIN §10.3)", () => {
  for (const tag of ["subType", "subtype", "SUBTYPE"]) {
    const rec = only(record("callLegStart", `<callLeg id="l1"><${tag}>distributionLink</${tag}><GuestConnection>TRUE</GuestConnection><Type>SIP</Type></callLeg>`));
    assert.ok(rec.type === "callLegStart");
    assert.equal(rec.leg.subType, "distributionLink", tag);
    assert.equal(rec.leg.guestConnection, true);
    assert.equal(rec.leg.type, "sip");
  }
});

test("booleans accept true/false in any case and reject anything else, naming the field", () => {
  const rec = only(record("callLegStart", '<callLeg id="l1"><recording>False</recording><streaming>TRUE</streaming></callLeg>'));
  assert.ok(rec.type === "callLegStart");
  assert.equal(rec.leg.recording, false);
  assert.equal(rec.leg.streaming, true);
  const batch = parsed(batchOf(record("callLegUpdate", '<callLeg id="l1"><deactivated>yes</deactivated></callLeg>')));
  assert.deepEqual(batch.rejected, [{ position: 1, type: "callLegUpdate", reason: 'callLeg/deactivated must be true or false, got "yes"' }]);
});

test("<ivr/> in a callLegUpdate means inIvr; an absent deactivated stays absent (unchanged)", () => {
  const ivr = only(record("callLegUpdate", '<callLeg id="l1"><ivr/></callLeg>'));
  assert.deepEqual(ivr.type === "callLegUpdate" && ivr.leg, { id: "l1", inIvr: true });
  const plain = only(record("callLegUpdate", '<callLeg id="l1"><call>c1</call></callLeg>'));
  assert.deepEqual(plain.type === "callLegUpdate" && plain.leg, { id: "l1", callId: "c1", inIvr: false });
});

test("values stay strings: leading zeros and + signs survive", () => {
  const rec = only(record("callStart", '<call id="c1"><name>0042</name></call>'));
  assert.equal(rec.type === "callStart" && rec.call.name, "0042");
  const leg = only(record("callLegStart", '<callLeg id="l1"><displayName>007</displayName><remoteParty>+4930123456</remoteParty></callLeg>'));
  assert.ok(leg.type === "callLegStart");
  assert.equal(leg.leg.displayName, "007");
  assert.equal(leg.leg.remoteParty, "+4930123456");
});

test("predefined XML entities are decoded in names", () => {
  const rec = only(record("callStart", '<call id="c1"><name>R&amp;D &lt;restricted&gt;</name></call>'));
  assert.equal(rec.type === "callStart" && rec.call.name, "R&D <restricted>");
});

test("a callStart name may be empty or absent: it becomes an empty string", () => {
  for (const body of ['<call id="c1"><name/></call>', '<call id="c1"/>']) {
    const rec = only(record("callStart", body));
    assert.deepEqual(rec.type === "callStart" && rec.call, { id: "c1", name: "" });
  }
});

test("required parts are named when missing or wrong", () => {
  const cases: [string, string][] = [
    [record("callStart", "<call><name>x</name></call>"), "call@id missing"],
    [record("callEnd", ""), "call missing"],
    [record("callLegStart", "<callLeg/>"), "callLeg@id missing"],
    [record("callLegStart", '<callLeg id="a"/><callLeg id="b"/>'), "callLeg must be a single element, got a repeated element"],
    [record("callLegUpdate", '<callLeg id="l1"><call>a</call><call>b</call></callLeg>'), "callLeg/call must be a single text value, got a repeated element"],
    [record("callLegUpdate", '<callLeg id="l1"><call>a b</call></callLeg>'), 'callLeg/call is not a safe id, got "a b"'],
    [record("callStart", '<call id="c1"><callCorrelator>x;y</callCorrelator></call>'), 'call/callCorrelator is not a safe id, got "x;y"'],
    [record("callEnd", '<call id="c1"/>', 'recordIndex="1" correlatorIndex="2"'), "record@time missing"],
    [record("callEnd", '<call id="c1"/>', 'time="yesterday" recordIndex="1" correlatorIndex="2"'), 'record@time must be an RFC 3339 time, got "yesterday"'],
    [record("callEnd", '<call id="c1"/>', 'time="2024-03-05T09:00:01Z" recordIndex="1"'), "record@correlatorIndex missing"],
    [record("callEnd", '<call id="c1"/>', 'time="2024-03-05T09:00:01Z" recordIndex="1" correlatorIndex="2" numPreceedingRecordsMissing="-3"'), 'record@numPreceedingRecordsMissing must be a non-negative integer, got "-3"'],
  ];
  for (const [body, reason] of cases) {
    assert.deepEqual(parsed(batchOf(body)).rejected, [{ position: 1, type: body.match(/type="(\w+)"/)![1]!, reason }]);
  }
});

test("a record without a type, or with a type that is not a name, is rejected rather than counted", () => {
  const batch = parsed(batchOf(`<record time="2024-03-05T09:00:01Z"/>${record("../x", "")}`));
  assert.deepEqual(batch.rejected, [
    { position: 1, type: "", reason: "record@type missing" },
    { position: 2, type: "../x", reason: "record@type is not a record type name" },
  ]);
  assert.deepEqual(batch.ignored, {});
});

test("unknown record types are counted, even one named like an Object member", () => {
  const batch = parsed(batchOf(record("streamingStart", "") + record("constructor", "") + record("streamingStart", "")));
  assert.deepEqual(batch.ignored, { streamingStart: 2, constructor: 1 });
  assert.deepEqual(batch.records, []);
});

test("a realistic 10-record batch parses in well under a millisecond per record", () => {
  const names = ["a-callstart-and-app-leg", "b-webapp-guest-start", "b-webapp-guest-update", "c-sip-partner-start", "c-sip-partner-update", "d-node-b-distributed-call", "e-last-leg-end-and-call-end"];
  const records = names.flatMap((n) => cdrFixture(n).match(/<record [\s\S]*?<\/record>/g) ?? []).slice(0, 10);
  const body = `<?xml version="1.0"?>\n<records session="${SESSION}" callBridge="${BRIDGE}">\n${records.join("\n")}\n</records>`;
  assert.equal(parsed(body).records.length, 10);
  for (let i = 0; i < 100; i++) parseCdrBatch(body);
  const runs = 300;
  const started = performance.now();
  for (let i = 0; i < runs; i++) parseCdrBatch(body);
  const perRecordMs = (performance.now() - started) / runs / 10;
  // Measured about 0.06 ms per record; the bound leaves room for slow CI machines.
  assert.ok(perRecordMs < 0.5, `took ${perRecordMs.toFixed(3)} ms per record`);
});
