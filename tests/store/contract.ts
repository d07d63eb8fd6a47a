/**
 * One behaviour suite for every storage back end, in the manner of unstorage's driver tests: what
 * call state needs from an unstorage Storage, then the StateStore operations on top of it. Each
 * case gets a fresh, empty store. Runner-neutral on purpose: node:test (memory, fs, Redis), `deno
 * test` (Deno KV) and a Worker inside workerd (Durable Object, KV) all run these same cases.
 */
import assert from "node:assert/strict";
import type { Storage } from "unstorage";
import type { CallFact, LegFact } from "../../src/core/model.ts";
import { createStateStore } from "../../src/store/state.ts";

export interface ContractCase {
  name: string;
  run(storage: Storage): Promise<void>;
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
      assert.equal(await s.getItem("call:cb-a:nope"), null);
      assert.equal(await s.hasItem("call:cb-a:nope"), false);
      await s.removeItem("call:cb-a:nope");
      assert.deepEqual(await s.getKeys(""), []);
    },
  },
  {
    name: "set then get returns the value; set again overwrites it",
    async run(s) {
      await s.setItem("hwm:session-1", 41);
      assert.equal(await s.getItem("hwm:session-1"), 41);
      assert.equal(await s.hasItem("hwm:session-1"), true);
      await s.setItem("hwm:session-1", 42);
      assert.equal(await s.getItem("hwm:session-1"), 42);
      assert.deepEqual(await s.getKeys(""), ["hwm:session-1"]);
    },
  },
  {
    name: "JSON values come back equal: documents, lists, numbers, booleans, text that looks like a number",
    async run(s) {
      const values: Record<string, unknown> = {
        "call:cb-a:c-1": { call: call("c-1"), legs: { "l-1": leg("l-1") } },
        "mcalls:m-1:cb-a": ["c-1", "c-2"],
        "hwm:s": -1,
        "health": 1795695024059,
        "flag:x": false,
        "alias:s_x": "cb-b",
        "text:number-like": "007",
      };
      for (const [key, value] of Object.entries(values)) await s.setItem(key, value as never);
      for (const [key, value] of Object.entries(values)) assert.deepEqual(await s.getItem(key), value, key);
    },
  },
  {
    name: "removeItem deletes one key and leaves its neighbours",
    async run(s) {
      await s.setItem("legcall:cb-a:l-1", "c-1");
      await s.setItem("legcall:cb-a:l-2", "c-1");
      await s.removeItem("legcall:cb-a:l-1");
      assert.equal(await s.getItem("legcall:cb-a:l-1"), null);
      assert.equal(await s.getItem("legcall:cb-a:l-2"), "c-1");
    },
  },
  {
    name: "getKeys lists exactly the keys under a prefix, at any depth, and not a longer name that starts alike",
    async run(s) {
      for (const key of ["call:cb-a:c-1", "call:cb-a:c-2", "call:cb_0f1e:c-3", "calls:x", "legcall:cb-a:l-1", "applied:cb-a:c-1"]) {
        await s.setItem(key, 1);
      }
      assert.deepEqual(sorted(await s.getKeys("call")), ["call:cb-a:c-1", "call:cb-a:c-2", "call:cb_0f1e:c-3"]);
      assert.deepEqual(sorted(await s.getKeys("call:cb-a")), ["call:cb-a:c-1", "call:cb-a:c-2"]);
      assert.deepEqual(await s.getKeys("pending"), []);
      assert.equal((await s.getKeys("")).length, 6);
    },
  },
  {
    name: "getItems reads many keys in one go, in the order asked, missing ones null",
    async run(s) {
      await s.setItem("mcalls:m-1:cb-a", ["c-1"]);
      await s.setItem("mcalls:m-1:cb-b", ["c-9"]);
      const items = await s.getItems(["mcalls:m-1:cb-b", "mcalls:m-1:cb-x", "mcalls:m-1:cb-a"]);
      assert.deepEqual(items, [
        { key: "mcalls:m-1:cb-b", value: ["c-9"] },
        { key: "mcalls:m-1:cb-x", value: null },
        { key: "mcalls:m-1:cb-a", value: ["c-1"] },
      ]);
      assert.deepEqual(await s.getItems([]), []);
    },
  },
  {
    name: "setItems writes many keys in one go",
    async run(s) {
      await s.setItems([
        { key: "alias:s_1", value: "cb-a" },
        { key: "alias:s_2", value: "cb-b" },
      ]);
      assert.equal(await s.getItem("alias:s_1"), "cb-a");
      assert.equal(await s.getItem("alias:s_2"), "cb-b");
    },
  },
  {
    name: "clear() removes every key",
    async run(s) {
      await s.setItem("pending:cb-a:l-1", 1);
      await s.setItem("nodekeys", ["cb-a"]);
      await s.clear();
      assert.deepEqual(await s.getKeys(""), []);
      assert.equal(await s.getItem("nodekeys"), null);
    },
  },
];

const stateCases: ContractCase[] = [
  {
    name: "StateStore: a call document is stored, read back, listed and deleted",
    async run(s) {
      const state = createStateStore(s);
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
    name: "StateStore: the leg→call index and legs waiting for their call",
    async run(s) {
      const state = createStateStore(s);
      await state.putLegCall("cb-a", "l-1", "c-1");
      assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
      await state.deleteLegCall("cb-a", "l-1");
      assert.equal(await state.getLegCall("cb-a", "l-1"), undefined);

      const { callId: _none, ...waiting } = leg("l-2", { inIvr: true });
      await state.putPending(waiting);
      assert.deepEqual(await state.getPending("cb-a", "l-2"), waiting);
      assert.deepEqual(await state.allPending(), [waiting]);
      await state.deletePending("cb-a", "l-2");
      assert.deepEqual(await state.allPending(), []);
    },
  },
  {
    name: "StateStore: a meeting's calls are kept per node, added once, and the list goes when empty",
    async run(s) {
      const state = createStateStore(s);
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
      assert.deepEqual(await s.getKeys("mcalls"), ["mcalls:m-1:cb-b"]);
    },
  },
  {
    name: "StateStore: node keys, aliases and high-water marks",
    async run(s) {
      const state = createStateStore(s);
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
    async run(s) {
      const state = createStateStore(s);
      const rec = { banner: { text: "External Participant(s) in Meeting", position: "bottom" as const, duration: "permanent" as const }, meetingId: "m-1", at: 5 };
      await state.putApplied("cb-a", "c-1", rec);
      await state.putApplied("cb-b", "c-2", { banner: null, foreign: "Fire drill", meetingId: "m-1", at: 6 });
      assert.deepEqual(await state.getApplied("cb-a", "c-1"), rec);
      const all = (await state.allApplied()).sort((x, y) => x.callId.localeCompare(y.callId));
      assert.deepEqual(all.map((a) => [a.node, a.callId, a.rec.foreign ?? a.rec.banner?.text]), [
        ["cb-a", "c-1", "External Participant(s) in Meeting"],
        ["cb-b", "c-2", "Fire drill"],
      ]);
      await state.deleteApplied("cb-a", "c-1");
      assert.equal(await state.getApplied("cb-a", "c-1"), undefined);
    },
  },
  {
    name: "StateStore: dropCall forgets the call and everything that points at it",
    async run(s) {
      const state = createStateStore(s);
      const doc = { call: call("c-1"), legs: { "l-1": leg("l-1"), "l-2": leg("l-2") } };
      await state.putCall(doc);
      await state.putLegCall("cb-a", "l-1", "c-1");
      await state.putLegCall("cb-a", "l-2", "c-1");
      await state.addMeetingCall(doc.call);
      await state.putApplied("cb-a", "c-1", { banner: null, meetingId: "m-1", at: 1 });
      await state.putHighWater("session-1", 7);
      await state.dropCall(doc, "cb-a");
      assert.deepEqual(await s.getKeys(""), ["hwm:session-1"]);
    },
  },
  {
    name: "StateStore: many calls and applied records read at once, in the order asked, past one read slice",
    async run(s) {
      const state = createStateStore(s);
      const ids = Array.from({ length: 600 }, (_, i) => `c-${i}`);
      await Promise.all(ids.map((id) => state.putCall({ call: call(id), legs: { [`l-${id}`]: leg(`l-${id}`, { callId: id }) } })));
      await state.putApplied("cb-a", "c-7", { banner: null, foreign: "Fire drill", meetingId: "m-1", at: 1 });
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
    async run(s) {
      const state = createStateStore(s);
      await state.ping(1795695024059);
      await state.ping(1795695024060);
    },
  },
];

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
