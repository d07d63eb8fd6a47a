/**
 * One behaviour suite for every storage back end, in the manner of unstorage's driver tests: what
 * call state needs from an unstorage Storage, then the StateStore operations on top of it. Each
 * case gets a fresh, empty store. Runner-neutral on purpose: node:test (memory, fs, Redis), `deno
 * test` (Deno KV) and a Worker inside workerd (Durable Object, KV) all run these same cases.
 */
import assert from "node:assert/strict";
import type { Storage } from "unstorage";
import type { CallFact, LegFact } from "../../src/core/model.ts";
import { createAuditLog } from "../../src/store/audit.ts";
import { createStateStore, type CallDoc, type StateStoreOptions } from "../../src/store/state.ts";

export interface ContractCase {
  name: string;
  /** `state`: how the StateStore cases open theirs (with the sole writer's copy, or without). */
  run(storage: Storage, state?: StateStoreOptions): Promise<void>;
}

const sorted = (keys: string[]) => [...keys].sort();

const call = (id: string, over: Partial<CallFact> = {}): CallFact => ({
  id, nodeKey: "cb-a", name: `Meeting ${id}`, correlator: "m-1", since: "2026-01-01T10:00:00Z", seenAt: 1, source: "cdr", ...over,
});

const leg = (id: string, over: Partial<LegFact> = {}): LegFact => ({
  id, nodeKey: "cb-a", callId: "c-1", displayName: "Guest Ünïcødé", remoteParty: "+4930123456", guest: true, recording: false,
  streaming: false, inIvr: false, deactivated: false, since: "2026-01-01T10:00:01Z", seenAt: 2, source: "cdr", ...over,
});

const storageCases: ContractCase[] = [
  {
    name: "a missing key reads as null, is not there, and removing it is fine",
    async run(s) {
      assert.equal(await s.getItem("c:cb-a:nope"), null);
      assert.equal(await s.hasItem("c:cb-a:nope"), false);
      await s.removeItem("c:cb-a:nope");
      assert.deepEqual(await s.getKeys(""), []);
    },
  },
  {
    name: "set then get returns the value; set again overwrites it",
    async run(s) {
      await s.setItem("h:session-1", 41);
      assert.equal(await s.getItem("h:session-1"), 41);
      assert.equal(await s.hasItem("h:session-1"), true);
      await s.setItem("h:session-1", 42);
      assert.equal(await s.getItem("h:session-1"), 42);
      assert.deepEqual(await s.getKeys(""), ["h:session-1"]);
    },
  },
  {
    name: "JSON values come back equal: documents, lists, numbers, booleans, text that looks like a number",
    async run(s) {
      const values: Record<string, unknown> = {
        "c:cb-a:c-1": { call: call("c-1"), legs: { "l-1": leg("l-1") } },
        "m:m-1:cb-a": ["c-1", "c-2"],
        "h:s": -1,
        "health": 1795695024059,
        "flag:x": false,
        "n:s_x": "cb-b",
        "text:number-like": "007",
      };
      for (const [key, value] of Object.entries(values)) await s.setItem(key, value as never);
      for (const [key, value] of Object.entries(values)) assert.deepEqual(await s.getItem(key), value, key);
    },
  },
  {
    name: "removeItem deletes one key and leaves its neighbours",
    async run(s) {
      await s.setItem("l:cb-a:l-1", "c-1");
      await s.setItem("l:cb-a:l-2", "c-1");
      await s.removeItem("l:cb-a:l-1");
      assert.equal(await s.getItem("l:cb-a:l-1"), null);
      assert.equal(await s.getItem("l:cb-a:l-2"), "c-1");
    },
  },
  {
    name: "getKeys lists exactly the keys under a prefix, at any depth, and not a longer name that starts alike",
    async run(s) {
      // `call:` is the layout before this one: it must never be listed as a call document (`c:`).
      for (const key of ["c:cb-a:HRP1fGWXRHexvLz_gk-1Aw", "c:cb-a:c-2", "c:cb_0f1e:c-3", "call:cb-a:c-1", "l:cb-a:l-1", "b:cb-a:c-1"]) {
        await s.setItem(key, 1);
      }
      assert.deepEqual(sorted(await s.getKeys("c")), ["c:cb-a:HRP1fGWXRHexvLz_gk-1Aw", "c:cb-a:c-2", "c:cb_0f1e:c-3"]);
      assert.deepEqual(sorted(await s.getKeys("c:cb-a")), ["c:cb-a:HRP1fGWXRHexvLz_gk-1Aw", "c:cb-a:c-2"]);
      assert.deepEqual(await s.getKeys("p"), []);
      assert.equal((await s.getKeys("")).length, 6);
    },
  },
  {
    name: "getItems reads many keys in one go, in the order asked, missing ones null",
    async run(s) {
      await s.setItem("m:m-1:cb-a", ["c-1"]);
      await s.setItem("m:m-1:cb-b", ["c-9"]);
      const items = await s.getItems(["m:m-1:cb-b", "m:m-1:cb-x", "m:m-1:cb-a"]);
      assert.deepEqual(items, [
        { key: "m:m-1:cb-b", value: ["c-9"] },
        { key: "m:m-1:cb-x", value: null },
        { key: "m:m-1:cb-a", value: ["c-1"] },
      ]);
      assert.deepEqual(await s.getItems([]), []);
    },
  },
  {
    name: "setItems writes many keys in one go",
    async run(s) {
      await s.setItems([
        { key: "n:s_1", value: "cb-a" },
        { key: "n:s_2", value: "cb-b" },
      ]);
      assert.equal(await s.getItem("n:s_1"), "cb-a");
      assert.equal(await s.getItem("n:s_2"), "cb-b");
    },
  },
  {
    name: "clear() removes every key",
    async run(s) {
      await s.setItem("p:cb-a:l-1", 1);
      await s.setItem("k", ["cb-a"]);
      await s.clear();
      assert.deepEqual(await s.getKeys(""), []);
      assert.equal(await s.getItem("k"), null);
    },
  },
];

const stateCases: ContractCase[] = [
  {
    name: "StateStore: a call document is stored, read back, listed and deleted",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const doc = { call: call("c-1"), legs: { "l-1": leg("l-1") } };
      await state.putCall(doc);
      assert.deepEqual(await state.getCall("cb-a", "c-1"), doc);
      assert.deepEqual(await state.allCalls(), [doc]);
      await state.deleteCall("cb-a", "c-1");
      assert.equal(await state.getCall("cb-a", "c-1"), undefined);
      assert.deepEqual(await state.allCalls(), []);
    },
  },
  {
    name: "StateStore: a call document comes back exactly as written, whatever its call and legs hold",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const callId = "5ae1c1a0-3b8e-4a3f-9f51-0d2c6e7b8a90";
      // Through JSON, so that the fields left undefined are absent, as they are once read back.
      const doc: CallDoc = JSON.parse(JSON.stringify({
        call: call(callId, { callType: "coSpace", coSpace: "0f8fad5b-d9cb-469f-a165-70867728950e", tenant: "t-1", source: "api" as const, seenAt: 1795695024059 }),
        legs: {
          // Everything defaulted or equal to the call's.
          "7c9e6679-7425-40de-944b-e07fc1f90ae7": leg("7c9e6679-7425-40de-944b-e07fc1f90ae7", {
            callId, remoteAddress: "+4930123456", direction: "incoming", guest: false, since: "2026-01-01T10:00:00Z", seenAt: 1795695024059, source: "api",
          }),
          // Everything set, and different from the call's.
          "l-2": leg("l-2", {
            callId, remoteParty: "sip:a@x.example", remoteAddress: "sip:a@10.0.0.1", type: "sip", subType: "lync", lyncSubType: "audioVideo",
            direction: "outgoing", recording: true, streaming: true, inIvr: true, deactivated: true, since: "2026-01-01T10:05:00.123Z", seenAt: 1795695000000, source: "cdr",
          }),
          // A remoteParty without a remoteAddress, no direction at all, and a time in another form.
          "l-3": leg("l-3", { callId, displayName: undefined, direction: undefined, since: "2026-01-01T11:00:01+01:00", seenAt: 1795695024060 }),
          // Joined a minute after the call started.
          "l-4": leg("l-4", { callId, since: "2026-01-01T10:01:00Z" }),
        },
        ended: { "l-0": 1795695020000, "e3b0c442-98fc-4c14-9afb-f4c8996fb924": 1795695020001 },
      }));
      await state.putCall(doc);
      assert.deepEqual(await state.getCall("cb-a", callId), doc);
      assert.deepEqual(await state.allCalls(), [doc]);

      const stub: CallDoc = JSON.parse(JSON.stringify({ call: call("c-9", { name: "", correlator: undefined, stub: true }), legs: {} }));
      await state.putCall(stub);
      assert.deepEqual(await state.getCall("cb-a", "c-9"), stub);
    },
  },
  {
    name: "StateStore: ids of every form come back exactly; UUIDs are stored in 22 characters",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const uuid = "9b2f6c1e-7d4a-4e8b-a1c3-5f0e2d9c8b7a";
      const ids = [uuid, uuid.toUpperCase(), "c-1", "007", "123", "1e5", "true", "null", "~tilde", "AAAAAAAAAAAAAAAAAAAAAA", "-_AZaz09-_AZaz09-_AZaQ"];
      for (const id of ids) {
        await state.putLegCall("cb-a", id, id);
        await state.putCall({ call: call(id, { correlator: id, callType: "adHoc" }), legs: { [id]: leg(id, { callId: id }) } });
        await state.addMeetingCall(call(id, { correlator: id }));
        await state.putApplied("cb-a", id, { banner: null, foreign: id, at: 1 });
        const { callId: _none, ...waiting } = leg(id);
        await state.putPending(waiting);
      }
      for (const id of ids) {
        assert.equal(await state.getLegCall("cb-a", id), id, id);
        assert.deepEqual(await state.getCall("cb-a", id), { call: call(id, { correlator: id, callType: "adHoc" }), legs: { [id]: leg(id, { callId: id }) } }, id);
        assert.deepEqual(await state.meetingCalls(id, ["cb-a"]), [{ nodeKey: "cb-a", callId: id }], id);
        assert.equal((await state.getApplied("cb-a", id))?.foreign, id, id);
        assert.equal((await state.getPending("cb-a", id))?.id, id, id);
      }
      assert.deepEqual(sorted((await state.allCalls()).map((d) => d.call.id)), sorted(ids));
      assert.deepEqual(sorted((await state.allPending()).map((l) => l.id)), sorted(ids));
      assert.deepEqual(sorted((await state.allApplied()).map((a) => a.callId)), sorted(ids));
      assert.ok((await s.getKeys("c")).includes("c:cb-a:my9sHn1KTouhw18OLZyLeg"), "a UUID's key holds its 16 bytes in base64url");
    },
  },
  {
    name: "StateStore: the leg→call index and legs waiting for their call",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      await state.putLegCall("cb-a", "l-1", "c-1");
      assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
      await state.deleteLegCall("cb-a", "l-1");
      assert.equal(await state.getLegCall("cb-a", "l-1"), undefined);

      const { callId: _none, ...waiting } = leg("l-2", { inIvr: true });
      const named = leg("l-3", { callId: "4d1f0e2a-6b7c-4d8e-9f01-23456789abcd", source: "api", direction: "outgoing" });
      await state.putPending(waiting);
      await state.putPending(named);
      assert.deepEqual(await state.getPending("cb-a", "l-2"), waiting);
      assert.deepEqual(await state.getPending("cb-a", "l-3"), named);
      assert.deepEqual((await state.allPending()).sort((a, b) => a.id.localeCompare(b.id)), [waiting, named]);
      await state.deletePending("cb-a", "l-2");
      await state.deletePending("cb-a", "l-3");
      assert.deepEqual(await state.allPending(), []);
    },
  },
  {
    name: "StateStore: a meeting's calls are kept per node, added once, and the list goes when empty",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const onA = call("c-1", { correlator: "m-1" });
      const onB = call("c-2", { correlator: "m-1", nodeKey: "cb-b" });
      await state.addMeetingCall(onA);
      await state.addMeetingCall(onA);
      await state.addMeetingCall(onB);
      assert.deepEqual(await state.meetingCalls("m-1", ["cb-a", "cb-b", "cb-c"]), [
        { nodeKey: "cb-a", callId: "c-1" },
        { nodeKey: "cb-b", callId: "c-2" },
      ]);
      await state.removeMeetingCall(onA);
      assert.deepEqual(await state.meetingCalls("m-1", ["cb-a", "cb-b"]), [{ nodeKey: "cb-b", callId: "c-2" }]);
      // The sole writer derives the lists from the call documents and stores none (meeting-index.ts).
      assert.deepEqual(await s.getKeys("m"), opts?.soleWriter ? [] : ["m:m-1:cb-b"]);
    },
  },
  {
    name: "StateStore: node keys, aliases and high-water marks",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      assert.deepEqual(await state.nodeKeys(), []);
      await state.addNodeKey("s_abc");
      await state.addNodeKey("s_abc");
      assert.deepEqual(await state.nodeKeys(), ["s_abc"]);
      assert.equal(await state.getAlias("s_abc"), undefined);
      await state.putAlias("s_abc", "cb-b");
      assert.equal(await state.getAlias("s_abc"), "cb-b");
      assert.equal(await state.getHighWater("session-1"), -1);
      await state.putHighWater("session-1", 196284);
      assert.equal(await state.getHighWater("session-1"), 196284);
    },
  },
  {
    name: "StateStore: applied banners are listed with their node and call, and deleted",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const rec = { banner: { text: "External Participant(s) in Meeting", position: "bottom" as const, duration: "permanent" as const }, at: 5 };
      const other = { banner: { text: "Restricted", position: "top" as const, duration: 30 }, at: 7 };
      const foreign = { banner: null, foreign: "Fire drill", at: 6 };
      await state.putApplied("cb-a", "c-1", rec);
      await state.putApplied("cb-a", "c-3", other);
      await state.putApplied("cb-b", "c-2", foreign);
      assert.deepEqual(await state.getApplied("cb-a", "c-1"), rec);
      assert.deepEqual(await state.getApplied("cb-a", "c-3"), other);
      assert.deepEqual(await state.getApplied("cb-b", "c-2"), foreign);
      const all = (await state.allApplied()).sort((x, y) => x.callId.localeCompare(y.callId));
      assert.deepEqual(all.map((a) => [a.node, a.callId, a.rec.foreign ?? a.rec.banner?.text]), [
        ["cb-a", "c-1", "External Participant(s) in Meeting"],
        ["cb-b", "c-2", "Fire drill"],
        ["cb-a", "c-3", "Restricted"],
      ]);
      await state.deleteApplied("cb-a", "c-1");
      assert.equal(await state.getApplied("cb-a", "c-1"), undefined);
    },
  },
  {
    name: "StateStore: dropCall forgets the call and everything that points at it",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const doc = { call: call("c-1"), legs: { "l-1": leg("l-1"), "l-2": leg("l-2") } };
      await state.putCall(doc);
      await state.putLegCall("cb-a", "l-1", "c-1");
      await state.putLegCall("cb-a", "l-2", "c-1");
      await state.addMeetingCall(doc.call);
      await state.putApplied("cb-a", "c-1", { banner: null, at: 1 });
      await state.putHighWater("session-1", 7);
      await state.dropCall(doc, "cb-a");
      assert.deepEqual(await s.getKeys(""), ["h:session-1"]);
    },
  },
  {
    name: "StateStore: many calls and applied records read at once, in the order asked, past one read slice",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      const ids = Array.from({ length: 600 }, (_, i) => `c-${i}`);
      await Promise.all(ids.map((id) => state.putCall({ call: call(id), legs: { [`l-${id}`]: leg(`l-${id}`, { callId: id }) } })));
      await state.putApplied("cb-a", "c-7", { banner: null, foreign: "Fire drill", at: 1 });
      const asked = [{ nodeKey: "cb-a", callId: "c-599" }, { nodeKey: "cb-a", callId: "missing" }, { nodeKey: "cb-a", callId: "c-0" }];
      assert.deepEqual((await state.getCalls(asked)).map((d) => d && Object.keys(d.legs)), [["l-c-599"], undefined, ["l-c-0"]]);
      assert.deepEqual((await state.getAppliedMany([{ node: "cb-a", callId: "c-1" }, { node: "cb-a", callId: "c-7" }])).map((r) => r?.foreign), [undefined, "Fire drill"]);
      const all = await state.allCalls();
      assert.deepEqual(sorted(all.map((d) => d.call.id)), sorted(ids));
      assert.ok(all.every((d) => Object.keys(d.legs)[0] === `l-${d.call.id}`), "each document read under its own key");
    },
  },
  {
    name: "StateStore: ping writes and reads back",
    async run(s, opts) {
      const state = createStateStore(s, opts);
      await state.ping(1795695024059);
      await state.ping(1795695024060);
    },
  },
  {
    name: "AuditLog: entries come back as recorded, compactly stored; entries in the long form of before are read too",
    async run(s) {
      const log = createAuditLog(s);
      const at = Date.UTC(2026, 10, 26, 9, 30);
      const entry = {
        at, meetingId: "08852057-b47f-4875-a7e5-4cb5ae892af9", meetingName: "Board – Ünïcødé", node: "cb-a",
        callId: "eb1daee4-4b36-4741-9095-95b9aef5d1be", from: "", to: "External Participant(s) in Meeting", cause: "leg 1f (Visitor Bob) joined",
      };
      const cleared = { ...entry, at: at + 60_000, callId: "c-2", from: entry.to, to: "", cause: "leg 1f (Visitor Bob) left" };
      await log.record(entry);
      await log.record(cleared);
      const long = { ...entry, at: at - 60_000, meetingId: "m-old", callId: "c-old", cause: "call c-old started" };
      await s.setItem(`audit:d:2026-11-26:${at - 60_000}-seed0000`, long);
      assert.deepEqual(await log.query(), [cleared, entry, long]);
      assert.deepEqual(await log.query({ meeting: "m-old" }), [long]);
      assert.deepEqual(await log.query({ meeting: entry.meetingId, since: at + 1 }), [cleared]);
      const key = (await s.getKeys("audit:d")).find((k) => k.includes(`:${at}-`))!;
      const compact = JSON.stringify(await s.getItem(key)).length;
      assert.ok(compact < JSON.stringify(entry).length - 80, `${compact} bytes stored for ${JSON.stringify(entry).length} of JSON`);
      assert.equal(await log.prune(at + 40 * 86_400_000, 30), 3);
      assert.deepEqual(await log.query(), []);
    },
  },
];

export { stateCases };
export const storeContract: ContractCase[] = [...storageCases, ...stateCases];

export interface CaseOutcome {
  name: string;
  ok: boolean;
  error?: string;
}

/** For runners without a test framework (inside workerd): every case on a fresh store, outcomes collected. */
export async function runContract(fresh: () => Promise<Storage>): Promise<CaseOutcome[]> {
  const out: CaseOutcome[] = [];
  for (const c of storeContract) {
    try {
      await c.run(await fresh());
      out.push({ name: c.name, ok: true });
    } catch (err) {
      out.push({ name: c.name, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
  return out;
}
