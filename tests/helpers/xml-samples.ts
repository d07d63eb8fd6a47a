/**
 * XML our parsers meet, for the tests that hold our readers to fast-xml-parser: the CDR fixtures,
 * the batches the simulator writes (every record type, names that need escaping) and its API
 * replies (lists of none, one and two, details, failures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createSimCluster } from "../../src/sim/index.ts";
import { callBridgeDetail, callDetail, callItem, failureDocument, legDetail, legItem, listDocument, systemStatus } from "../../src/sim/views.ts";

/** The CDR fixtures by file name, less the hostile ones (they carry a DOCTYPE, which the guard refuses first). */
export function cdrFixtures(): Record<string, string> {
  const dir = new URL("../fixtures/cdr/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".xml") && !f.startsWith("hostile-"));
  return Object.fromEntries(files.map((f) => [f, readFileSync(new URL(f, dir), "utf8")]));
}

export function simulatorBatches(): Record<string, string> {
  const node = createSimCluster({ nodes: ["cb-x"] }).node("cb-x");
  const { call, records } = node.startCall({ name: `Q3 "review" <board> & 'friends'` });
  const room = node.addLeg(call.id, { displayName: "Room 4.12", remoteParty: "sip:room412@corp.example", type: "sip" });
  const guest = node.addLeg(call.id, { displayName: "Ünïcødé & <Guest>", type: "acano", subType: "webApp", guestConnection: true });
  return {
    callStart: node.records(records),
    legs: node.records([...room.records, ...guest.records]),
    ends: node.records([...node.removeLeg(guest.leg.id), ...node.endCall(call.id)]),
  };
}

export function simulatorReplies(): Record<string, string> {
  const node = createSimCluster({ nodes: ["cb-1", "cb-2"] }).node("cb-1");
  const { call } = node.startCall({ name: "Board & <friends>" });
  const { call: other } = node.startCall({ name: "Second" });
  const room = node.addLeg(call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
  const guest = node.addLeg(call.id, { displayName: "Guest", type: "acano", subType: "webApp", guestConnection: true });
  const now = Date.now();
  return {
    "calls, two": listDocument("calls", 2, [callItem(call), callItem(other)]),
    "calls, one": listDocument("calls", 1, [callItem(call)]),
    "calls, none": listDocument("calls", 0, []),
    "callLegs, two": listDocument("callLegs", 2, [legItem(room.leg), legItem(guest.leg)]),
    "callLegs, one": listDocument("callLegs", 1, [legItem(guest.leg)]),
    "call detail": callDetail(call, 1, now),
    "leg detail, SIP": legDetail(room.leg, now),
    "leg detail, guest": legDetail(guest.leg, now),
    "failure": failureDocument("callDoesNotExist"),
    "failure with values": failureDocument("parameterError", { parameter: "messageText", error: "valueTooLong" }),
    "call bridge": callBridgeDetail(node),
    "system status": systemStatus(node, 120, now),
  };
}
