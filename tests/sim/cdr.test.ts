import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createSimCluster } from "../../src/sim/index.ts";

interface ParsedRecord {
  "@_type": string;
  "@_time": string;
  "@_recordIndex": string;
  "@_correlatorIndex": string;
  "@_numPreceedingRecordsMissing"?: string;
  call?: Record<string, unknown>;
  callLeg?: Record<string, unknown>;
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => jpath === "records.record" });

function parse(xml: string): { session: string; callBridge?: string; records: ParsedRecord[] } {
  assert.equal(XMLValidator.validate(xml), true);
  const root = parser.parse(xml).records;
  return { session: root["@_session"], callBridge: root["@_callBridge"], records: root.record ?? [] };
}

function oneNode() {
  return createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
}

describe("sim CDRs", () => {
  it("writes a well-formed <records> document with escaped values and increasing indexes", () => {
    const node = oneNode();
    const start = node.startCall({ name: `Falcon "R&D" <restricted>`, coSpace: "space-1", correlator: "corr-1" });
    const alice = node.addLeg(start.call.id, { displayName: "Alice & Bob's", remoteParty: "alice@corp.example", type: "acano" });
    const doc = parse(node.records(start.records, alice.records, node.endCall(start.call.id)));

    assert.equal(doc.session, node.session);
    assert.equal(doc.callBridge, node.callBridgeId);
    assert.deepEqual(doc.records.map((r) => r["@_type"]), ["callStart", "callLegStart", "callLegUpdate", "callLegEnd", "callEnd"]);
    assert.deepEqual(doc.records.map((r) => Number(r["@_recordIndex"])), [1, 2, 3, 4, 5]);
    assert.deepEqual(doc.records.map((r) => Number(r["@_correlatorIndex"])), [0, 1, 2, 3, 4]);
    for (const r of doc.records) assert.match(r["@_time"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const [callStart, legStart, legUpdate, legEnd, callEnd] = doc.records as Required<ParsedRecord>[];
    assert.deepEqual(callStart.call, {
      "@_id": start.call.id,
      name: `Falcon "R&D" <restricted>`,
      ownerName: "",
      callType: "coSpace",
      coSpace: "space-1",
      callCorrelator: "corr-1",
    });
    assert.equal(legStart.callLeg.displayName, "Alice & Bob's");
    assert.equal(legStart.callLeg.remoteParty, "alice@corp.example");
    assert.equal(legStart.callLeg.type, "acano");
    assert.equal(legStart.callLeg.direction, "incoming");
    assert.equal(legStart.callLeg.call, start.call.id);
    assert.equal(legUpdate.callLeg.state, "connected");
    assert.equal(legUpdate.callLeg.call, start.call.id);
    assert.equal(legEnd.callLeg.call, undefined, "callLegEnd carries no call id");
    assert.equal(legEnd.callLeg.reason, "callEnded");
    assert.equal(callEnd.call.callLegsCompleted, "1");
    assert.equal(callEnd.call.callLegsMaxActive, "1");
    assert.equal(node.calls.size, 0);
  });

  it("writes guest, web app and recorder legs the way CMS flags them", () => {
    const node = oneNode();
    const { call } = node.startCall({ name: "m" });
    const guest = parse(node.records(node.addLeg(call.id, { displayName: "Visitor", guestConnection: true, type: "acano", subType: "webApp" }).records));
    assert.equal(guest.records[0]?.callLeg?.guestConnection, "true");
    assert.equal(guest.records[0]?.callLeg?.subType, "webApp");
    const recorder = parse(node.records(node.addLeg(call.id, { recording: true }).records));
    assert.equal(recorder.records[0]?.callLeg?.recording, "true");
    assert.equal(recorder.records[0]?.callLeg?.displayName, "");
  });

  it("sends the call id late when it is not known at leg start, and <ivr/> first via an IVR", () => {
    const node = oneNode();
    const { call } = node.startCall({ name: "m" });
    const late = parse(node.records(node.addLeg(call.id, { remoteParty: "room@partner.example" }, { callKnownAtStart: false }).records));
    assert.equal(late.records[0]?.callLeg?.call, undefined);
    assert.equal(late.records[1]?.callLeg?.call, call.id);

    const ivr = parse(node.records(node.addLeg(call.id, { remoteParty: "pstn@gw.example" }, { viaIvr: true }).records));
    assert.deepEqual(ivr.records.map((r) => r["@_type"]), ["callLegStart", "callLegUpdate", "callLegUpdate"]);
    assert.equal(ivr.records[0]?.callLeg?.call, undefined);
    assert.equal(ivr.records[1]?.callLeg?.ivr, "");
    assert.equal(ivr.records[1]?.callLeg?.call, undefined);
    assert.equal(ivr.records[2]?.callLeg?.call, call.id);
  });

  it("ends one leg with the given reason and no call id", () => {
    const node = oneNode();
    const { call } = node.startCall({ name: "m" });
    const { leg } = node.addLeg(call.id, { id: "leg-1" });
    const end = parse(node.records(node.removeLeg(leg.id, "remoteTeardown"))).records[0];
    assert.equal(end?.["@_type"], "callLegEnd");
    assert.deepEqual(Object.keys(end?.callLeg ?? {}).sort(), ["@_id", "activatedDuration", "durationSeconds", "reason", "remoteTeardown"]);
    assert.equal(end?.callLeg?.remoteTeardown, "true");
    assert.equal(call.legs.size, 0);
  });

  it("reports dropped records on the next one: correlatorIndex jumps, recordIndex does not", () => {
    const node = oneNode();
    const first = node.startCall({ name: "a" });
    node.dropRecords(3);
    const second = node.startCall({ name: "b" });
    const third = node.startCall({ name: "c" });
    const doc = parse(node.records(first.records, second.records, third.records));
    assert.deepEqual(doc.records.map((r) => Number(r["@_recordIndex"])), [1, 2, 3]);
    assert.deepEqual(doc.records.map((r) => Number(r["@_correlatorIndex"])), [0, 4, 5]);
    assert.deepEqual(doc.records.map((r) => r["@_numPreceedingRecordsMissing"]), [undefined, "3", undefined]);
  });

  it("starts a new session with fresh indexes on restart, keeping the calls", () => {
    const node = oneNode();
    const { call } = node.startCall({ name: "a" });
    const before = node.session;
    node.restart();
    assert.notEqual(node.session, before);
    assert.equal(node.calls.get(call.id), call);
    const doc = parse(node.records(node.addLeg(call.id, {}).records));
    assert.equal(doc.session, node.session);
    assert.equal(doc.records[0]?.["@_recordIndex"], "1");
    assert.equal(doc.records[0]?.["@_correlatorIndex"], "0");
  });

  it("omits callBridge when told to, as one CMS 3.3 cluster did", () => {
    const node = oneNode();
    node.includeCallBridgeInCdr = false;
    assert.equal(parse(node.records(node.startCall({ name: "a" }).records)).callBridge, undefined);
  });

  it("leaves coSpace out for calls without a space", () => {
    const node = oneNode();
    const doc = parse(node.records(node.startCall({ name: "adhoc", callType: "adHoc" }).records));
    assert.equal(doc.records[0]?.call?.coSpace, undefined);
    assert.equal(doc.records[0]?.call?.callType, "adHoc");
  });

  it("refuses operations on unknown calls and legs, and duplicate ids", () => {
    const node = oneNode();
    node.startCall({ name: "a", id: "c1" });
    assert.throws(() => node.startCall({ name: "b", id: "c1" }), /exists/);
    assert.throws(() => node.addLeg("nope", {}), /no call/);
    assert.throws(() => node.removeLeg("nope"), /no leg/);
    assert.throws(() => node.endCall("nope"), /no call/);
  });
});
