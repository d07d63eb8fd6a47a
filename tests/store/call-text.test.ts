// call-text.ts builds a call document's stored text from per-leg pieces it keeps between writes.
// What it builds must be, byte for byte, what JSON.stringify(encodeCall(doc)) gives, whatever
// changed between two writes of the call: a leg, the call's times, its source, its legs' ids.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { CallFact, LegFact } from "../../src/core/model.ts";
import { decodeCall, encodeCall } from "../../src/store/call-codec.ts";
import { callText } from "../../src/store/call-text.ts";
import type { CallDoc } from "../../src/store/state.ts";
import { random } from "../helpers/seeded.ts";

type Pick = ReturnType<typeof random>;

const hex = (pick: Pick, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[pick(16)]).join("");
/** Mostly canonical UUIDs; some ids that packId escapes or leaves as they are. */
function someId(pick: Pick): string {
  const odd = ["7", "123", "~x", "true", "null", "ABCDEFGHIJKLMNOPQRSTUV", "leg-1", `${hex(pick, 8)}-${hex(pick, 4)}`];
  return pick(5) === 0 ? odd[pick(odd.length)]! : `${hex(pick, 8)}-${hex(pick, 4)}-${hex(pick, 4)}-${hex(pick, 4)}-${hex(pick, 12)}`;
}
const maybe = <T>(pick: Pick, value: T): T | undefined => (pick(3) === 0 ? undefined : value);
const TIMES = ["2026-11-26T10:00:00Z", "2026-11-26T10:00:07Z", "2026-11-26T23:59:59Z", "2026-11-27T00:00:03Z", "2026-11-26T10:00:00.5Z", "2026-11-26T11:00:00+01:00"];

function someCall(pick: Pick, id: string): CallFact {
  return {
    id,
    nodeKey: "cb-1",
    name: ["", "Standup", 'quote " and \\ and é'][pick(3)]!,
    callType: [undefined, "coSpace", "adHoc"][pick(3)],
    coSpace: maybe(pick, someId(pick)),
    correlator: maybe(pick, someId(pick)),
    tenant: pick(4) === 0 ? someId(pick) : undefined,
    since: TIMES[pick(TIMES.length)]!,
    seenAt: 1_795_000_000_000 + pick(5) * 1000,
    source: pick(4) === 0 ? "api" : "cdr",
    ...(pick(5) === 0 ? { stub: true } : {}),
  };
}

function someLeg(pick: Pick, id: string, callId: string): LegFact {
  // Text that JSON must escape, and the empty string, which is a value and not an absence.
  const odd = ['Q "x" \\ é', "line\nbreak\u2028\u0001", "", "😀"];
  const party = maybe(pick, pick(6) === 0 ? odd[pick(odd.length)]! : `sip:room${pick(9)}@corp.example`);
  return {
    id,
    nodeKey: "cb-1",
    callId,
    displayName: maybe(pick, pick(4) === 0 ? odd[pick(odd.length)]! : `Room ${pick(9)}`),
    remoteParty: party,
    remoteAddress: pick(2) ? party : maybe(pick, "10.0.0.1"),
    type: maybe(pick, ["sip", "acano"][pick(2)]!),
    subType: pick(4) === 0 ? "webApp" : undefined,
    lyncSubType: pick(8) === 0 ? "applicationSharing" : undefined,
    direction: [undefined, "incoming", "outgoing"][pick(3)],
    guest: pick(4) === 0,
    recording: pick(6) === 0,
    streaming: pick(6) === 0,
    inIvr: pick(8) === 0,
    deactivated: pick(8) === 0,
    since: TIMES[pick(TIMES.length)]!,
    seenAt: 1_795_000_000_000 + pick(9) * 1000,
    source: pick(5) === 0 ? "api" : "cdr",
  };
}

test("callText gives what JSON.stringify(encodeCall) gives, over 20,000 writes that keep, change, add and drop legs", () => {
  const pick = random(7);
  let hits = 0;
  for (let call = 0; call < 500; call++) {
    const id = someId(pick);
    let doc: CallDoc = { call: someCall(pick, id), legs: {} };
    for (let write = 0; write < 40; write++) {
      const legs = { ...doc.legs };
      const step = pick(6);
      if (step <= 1) {
        const legId = someId(pick);
        legs[legId] = someLeg(pick, legId, id);
      } else if (step === 2 && Object.keys(legs).length) {
        delete legs[Object.keys(legs)[pick(Object.keys(legs).length)]!];
      } else if (step === 3 && Object.keys(legs).length) {
        const legId = Object.keys(legs)[pick(Object.keys(legs).length)]!;
        legs[legId] = someLeg(pick, legId, id);
      } else hits++;
      // The call's own fact changes now and then, under legs whose pieces were made against the old one.
      const callFact = pick(5) === 0 ? someCall(pick, id) : doc.call;
      // Legs that left: one to several, odd ids among them (integer-like ones go first in any object).
      const ended = pick(4) === 0 ? { ...doc.ended, [someId(pick)]: 1_795_000_000_000 + pick(100) } : pick(20) === 0 ? undefined : doc.ended;
      doc = { call: callFact, legs, ...(ended ? { ended } : {}) };
      const text = callText(doc);
      assert.equal(text, JSON.stringify(encodeCall(doc)), `call ${call}, write ${write}`);
      // And it reads back as the document (the codec's own promise, through the new path).
      assert.deepEqual(decodeCall(JSON.parse(text), "cb-1", id)?.call, decodeCall(encodeCall(doc), "cb-1", id)?.call);
    }
  }
  assert.ok(hits > 3000, `writes that changed no leg: ${hits}`);
});

test("a leg's piece is not reused once its call's since, seenAt or source differ", () => {
  const leg: LegFact = { id: "a", nodeKey: "cb-1", guest: false, recording: false, streaming: false, inIvr: false, deactivated: false, since: "2026-11-26T10:00:05Z", seenAt: 1_795_000_005_000, source: "cdr" };
  const call: CallFact = { id: "c", nodeKey: "cb-1", name: "x", since: "2026-11-26T10:00:00Z", seenAt: 1_795_000_000_000, source: "cdr" };
  const variants: CallFact[] = [call, { ...call, since: "2026-11-26T10:00:01Z" }, { ...call, seenAt: call.seenAt + 1 }, { ...call, source: "api" }, call];
  const texts = variants.map((c) => callText({ call: c, legs: { a: leg } }));
  variants.forEach((c, i) => assert.equal(texts[i], JSON.stringify(encodeCall({ call: c, legs: { a: leg } }))));
  assert.equal(new Set(texts.slice(0, 4)).size, 4);
  assert.equal(texts[4], texts[0]);
});
