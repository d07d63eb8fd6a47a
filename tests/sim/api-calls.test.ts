import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { createSimCluster, type SimNode } from "../../src/sim/index.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => jpath === "calls.call" || jpath === "callLegs.callLeg" });

function get(node: SimNode, path: string, headers: Record<string, string> = { Authorization: AUTH }): Promise<Response> {
  return Promise.resolve(node.fetch(new Request(`http://sim${path}`, { headers })));
}

async function getXml(node: SimNode, path: string) {
  const res = await get(node, path);
  assert.equal(res.status, 200, `${path} → ${res.status}`);
  assert.equal(res.headers.get("Content-Type"), "text/xml");
  return parser.parse(await res.text());
}

function nodeWithCalls(n: number, pageCap?: number): SimNode {
  const node = createSimCluster({ nodes: ["cb-a"], pageCap }).node("cb-a");
  for (let i = 0; i < n; i += 1) node.startCall({ name: `call ${i}` });
  return node;
}

describe("sim API: authentication", () => {
  it("answers 401 with the acano realm and an empty body without or with wrong credentials", async () => {
    const node = nodeWithCalls(1);
    const refused: Record<string, string>[] = [{}, { Authorization: `Basic ${btoa("apiuser:wrong")}` }];
    for (const headers of refused) {
      const res = await get(node, "/api/v1/calls", headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("WWW-Authenticate"), 'Basic realm="acano"');
      assert.equal(await res.text(), "");
    }
  });

  it("accepts the configured user", async () => {
    const node = createSimCluster({ nodes: ["cb-a"], username: "ops", password: "p@ss:wörd" }).node("cb-a");
    const res = await get(node, "/api/v1/calls", { Authorization: `Basic ${Buffer.from("ops:p@ss:wörd").toString("base64")}` });
    assert.equal(res.status, 200);
  });
});

describe("sim API: paging", () => {
  it("caps the page at pageCap and reports the full total", async () => {
    const node = nodeWithCalls(25, 10);
    const page = await getXml(node, "/api/v1/calls?offset=0&limit=50");
    assert.equal(page.calls["@_total"], "25");
    assert.equal(page.calls.call.length, 10);
    const last = await getXml(node, "/api/v1/calls?offset=20&limit=50");
    assert.equal(last.calls.call.length, 5);
    assert.equal(last.calls.call[4].name, "call 24");
  });

  it("honours a smaller limit and gives an empty list past the end", async () => {
    const node = nodeWithCalls(3);
    assert.equal((await getXml(node, "/api/v1/calls?limit=2")).calls.call.length, 2);
    const beyond = await getXml(node, "/api/v1/calls?offset=7");
    assert.equal(beyond.calls["@_total"], "3");
    assert.equal(beyond.calls.call, undefined);
  });

  it("refuses a malformed offset with parameterError", async () => {
    const res = await get(nodeWithCalls(1), "/api/v1/calls?offset=-1");
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<parameterError parameter="offset"/);
  });

  it("pages call legs with the same cap", async () => {
    const node = nodeWithCalls(0, 4);
    const { call } = node.startCall({ name: "big" });
    for (let i = 0; i < 6; i += 1) node.addLeg(call.id, { displayName: `p${i}` });
    const list = await getXml(node, `/api/v1/calls/${call.id}/callLegs?limit=100`);
    assert.equal(list.callLegs["@_total"], "6");
    assert.equal(list.callLegs.callLeg.length, 4);
    assert.equal((await getXml(node, "/api/v1/callLegs?offset=4")).callLegs.callLeg.length, 2);
  });
});

describe("sim API: calls and legs", () => {
  it("lists calls with name, coSpace and correlator, filtered by coSpace", async () => {
    const node = nodeWithCalls(2);
    const { call } = node.startCall({ name: "Falcon <restricted> & co", coSpace: "space-1", correlator: "corr-1" });
    const all = await getXml(node, "/api/v1/calls");
    assert.equal(all.calls["@_total"], "3");
    const filtered = await getXml(node, "/api/v1/calls?coSpaceFilter=space-1");
    assert.deepEqual(filtered.calls.call, [
      { "@_id": call.id, name: "Falcon <restricted> & co", coSpace: "space-1", callCorrelator: "corr-1" },
    ]);
  });

  it("matches object names case-insensitively but keeps ids as given", async () => {
    const node = nodeWithCalls(0);
    node.startCall({ name: "x", id: "Call-ABC" });
    assert.equal((await getXml(node, "/API/v1/CALLS/Call-ABC")).call.name, "x");
    assert.equal((await get(node, "/api/v1/calls/call-abc")).status, 404);
  });

  it("answers callDoesNotExist with goneStatus 404 or 400", async () => {
    const node = nodeWithCalls(0);
    for (const status of [404, 400] as const) {
      node.goneStatus = status;
      const res = await get(node, "/api/v1/calls/nope");
      assert.equal(res.status, status);
      assert.equal(res.headers.get("Content-Type"), "text/xml");
      assert.match(await res.text(), /<failureDetails><callDoesNotExist \/><\/failureDetails>/);
      assert.match(await (await get(node, "/api/v1/callLegs/nope")).text(), /callLegDoesNotExist/);
    }
  });

  it("shows call detail counters and the default message fields", async () => {
    const node = nodeWithCalls(0);
    const { call } = node.startCall({ name: "Weekly", callType: "adHoc" });
    node.addLeg(call.id, { displayName: "Alice", remoteParty: "alice@corp.example", recording: true });
    const detail = (await getXml(node, `/api/v1/calls/${call.id}`)).call;
    assert.equal(detail.callType, "adHoc");
    assert.equal(detail.coSpace, undefined);
    assert.equal(detail.numCallLegs, "1");
    assert.equal(detail.numParticipantsLocal, "1");
    assert.equal(detail.recording, "true");
    assert.equal(detail.messageText, undefined);
    assert.equal(detail.messagePosition, "middle");
    assert.equal(detail.messageDuration, "0");
  });

  it("describes a leg with type, subType, direction and status", async () => {
    const node = nodeWithCalls(0);
    const { call } = node.startCall({ name: "m" });
    const { leg } = node.addLeg(call.id, { displayName: "Visitor", type: "acano", subType: "webApp", guestConnection: true });
    const item = (await getXml(node, `/api/v1/calls/${call.id}/callLegs`)).callLegs.callLeg[0];
    assert.deepEqual(item, { "@_id": leg.id, name: "Visitor", call: call.id });
    const detail = (await getXml(node, `/api/v1/callLegs/${leg.id}`)).callLeg;
    assert.equal(detail.type, "acano");
    assert.equal(detail.subType, "webApp");
    assert.equal(detail.direction, "incoming");
    assert.equal(detail.call, call.id);
    assert.equal(detail.status.state, "connected");
    assert.equal(detail.status.recording, "false");
  });

  it("answers unknown objects with unrecognizedObject", async () => {
    const res = await get(nodeWithCalls(0), "/api/v1/nothingHere");
    assert.equal(res.status, 404);
    assert.match(await res.text(), /unrecognizedObject/);
  });
});

describe("sim API: a leg by id", () => {
  it("finds a live leg, and not one that left, ended with its call or was cleared away", async () => {
    const node = nodeWithCalls(0);
    const { call } = node.startCall({ name: "indexed" });
    const stays = node.addLeg(call.id, { displayName: "Room", type: "sip" }).leg;
    const leaves = node.addLeg(call.id, { displayName: "Guest", type: "acano" }).leg;
    assert.equal((await getXml(node, `/api/v1/callLegs/${stays.id}`)).callLeg["@_id"], stays.id);
    node.removeLeg(leaves.id);
    assert.equal((await get(node, `/api/v1/callLegs/${leaves.id}`)).status, 404);

    // Tests may empty `calls` directly: the leg goes with its call, and its id can be used again.
    node.calls.clear();
    assert.equal(node.leg(stays.id), undefined);
    assert.equal((await get(node, `/api/v1/callLegs/${stays.id}`)).status, 404);
    const { call: next } = node.startCall({ name: "again" });
    assert.equal(node.addLeg(next.id, { id: stays.id, displayName: "Room", type: "sip" }).leg.callId, next.id);
    node.endCall(next.id);
    assert.equal(node.leg(stays.id), undefined);
  });
});
