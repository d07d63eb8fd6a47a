// core/xml-tree.ts replaces fast-xml-parser's own conversion of its tree into objects, so its
// output must be the library's own, for both of our parsers' list rules: on every CDR fixture,
// on the simulator's CDR batches and API replies, and on seeded random documents that mix what a
// conversion can get wrong (repeats, lists of one, attributes beside text, empty elements, text
// around children).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { XMLParser, type MatcherView, type X2jOptions } from "fast-xml-parser";
import { isListItem as cmsListItem } from "../../src/cms/xml.ts";
import { isListItem as cdrListItem } from "../../src/core/parse-cdr.ts";
import { orderedToObject, type ListItem } from "../../src/core/xml-tree.ts";
import { createSimCluster } from "../../src/sim/index.ts";
import { callBridgeDetail, callDetail, callItem, failureDocument, legDetail, legItem, listDocument, systemStatus } from "../../src/sim/views.ts";

/** The options of src/cms/xml.ts and src/core/parse-cdr.ts, less the ones about the output form. */
const cmsOptions: X2jOptions = { ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true, ignorePiTags: true };
const cdrOptions: X2jOptions = { ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false, processEntities: true, htmlEntities: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true, transformTagName: (name) => name.toLowerCase() };

/** The library's own conversion, with the same list rule asked through its isArray callback. */
function libraryParser(options: X2jOptions, listItem: ListItem): XMLParser {
  return new XMLParser({
    ...options,
    jPath: false,
    isArray: (name, path, _leaf, isAttribute) => {
      if (isAttribute || typeof path === "string") return false;
      const matcher = path as MatcherView;
      return listItem(name, matcher.getDepth(), String(matcher.toArray()[0]));
    },
  });
}

function sameAsLibrary(options: X2jOptions, listItem: ListItem) {
  const library = libraryParser(options, listItem);
  const ordered = new XMLParser({ ...options, jPath: false, preserveOrder: true });
  return (body: string, label: string) => {
    const ours = orderedToObject(ordered.parse(body), listItem);
    assert.deepStrictEqual(ours, library.parse(body), `${label}:\n${body}`);
  };
}

const sameForCms = sameAsLibrary(cmsOptions, cmsListItem);
const sameForCdr = sameAsLibrary(cdrOptions, cdrListItem);

test("CDR fixtures and simulator batches convert as the library converts them", () => {
  const dir = new URL("../fixtures/cdr/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".xml") && !f.startsWith("hostile-"));
  assert.ok(files.length >= 8);
  for (const f of files) sameForCdr(readFileSync(new URL(f, dir), "utf8"), f);

  const node = createSimCluster({ nodes: ["cb-x"] }).node("cb-x");
  const { call, records } = node.startCall({ name: `Q3 "review" <board> & 'friends'` });
  const room = node.addLeg(call.id, { displayName: "Room 4.12", remoteParty: "sip:room412@corp.example", type: "sip" });
  const guest = node.addLeg(call.id, { displayName: "Ünïcødé & <Guest>", type: "acano", subType: "webApp", guestConnection: true });
  sameForCdr(node.records(records), "callStart");
  sameForCdr(node.records([...room.records, ...guest.records]), "legs");
  sameForCdr(node.records([...node.removeLeg(guest.leg.id), ...node.endCall(call.id)]), "ends");
});

test("the simulator's API replies convert as the library converts them", () => {
  const cluster = createSimCluster({ nodes: ["cb-1", "cb-2"] });
  const node = cluster.node("cb-1");
  const { call } = node.startCall({ name: "Board & <friends>" });
  const { call: other } = node.startCall({ name: "Second" });
  const room = node.addLeg(call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
  const guest = node.addLeg(call.id, { displayName: "Guest", type: "acano", subType: "webApp", guestConnection: true });
  const now = Date.now();
  const replies = {
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
  for (const [label, body] of Object.entries(replies)) sameForCms(body, label);
});

/** A small seeded generator, so that a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return (below: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % below;
  };
}

// List names and their items for both rules, names that differ only in case, and others.
const NAMES = ["calls", "call", "callLegs", "callLeg", "CallLegs", "records", "record", "Record", "alarm", "name", "x", "subType", "subtype"];
const TEXTS = ["", " ", "a", "Tom &amp; Jerry", "  padded  ", "&lt;b&gt;", "0", "true", "007"];

function element(pick: (below: number) => number, depth: number): string {
  const name = NAMES[pick(NAMES.length)]!;
  const attrs = pick(3) === 0 ? ` id="${pick(100)}"` + (pick(2) ? ` total="${pick(9)}"` : "") : "";
  if (depth >= 4 || pick(4) === 0) return pick(2) ? `<${name}${attrs}/>` : `<${name}${attrs}>${TEXTS[pick(TEXTS.length)]}</${name}>`;
  let inner = "";
  for (let i = 0, n = pick(5); i < n; i++) {
    inner += pick(4) === 0 ? TEXTS[pick(TEXTS.length)] : element(pick, depth + 1);
  }
  return `<${name}${attrs}>${inner}</${name}>`;
}

test("seeded random documents convert as the library converts them, under both list rules", () => {
  for (let seed = 1; seed <= 1500; seed++) {
    const pick = random(seed);
    const body = `<?xml version="1.0"?>${element(pick, 1)}`;
    sameForCms(body, `seed ${seed}, CMS rule`);
    sameForCdr(body, `seed ${seed}, CDR rule`);
  }
});
