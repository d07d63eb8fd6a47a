/**
 * Typed access to call state on any unstorage Storage. Reads and writes only; the rules of what
 * to write live in core/transitions.ts and service/.
 */
import type { Storage } from "unstorage";
import type { Banner, CallFact, LegFact } from "../core/model.ts";
import { mapPushed } from "../core/pushed.ts";
import { decodeApplied, encodeApplied } from "./applied-codec.ts";
import { decodeCall, decodeWaitingLeg, encodeWaitingLeg } from "./call-codec.ts";
import { callText } from "./call-text.ts";
import { driverAccess } from "./driver-access.ts";
import { packId, unpackId } from "./id-codec.ts";
import { keys, meetingIdOf, nodeAndId } from "./keys.ts";
import { createLegIndex } from "./leg-index.ts";
import { createMeetingIndex, type MeetingCall } from "./meeting-index.ts";
import { ASK_STORE, createMirror, heldForm, JsonText, storedForm, valueOf } from "./mirror.ts";
import { createRecentDocs, freezeDoc } from "./recent-docs.ts";

export interface CallDoc {
  call: CallFact;
  legs: Record<string, LegFact>;
  /**
   * Legs that left lately (id → our clock when they left). A reconcile that listed the call's
   * legs just before a leg left must not bring it back; leg ids are never reused.
   */
  ended?: Record<string, number>;
}

/** What we last made a node-call show, and an operator's message we must leave alone. */
export interface AppliedRecord {
  banner: Banner | null;
  /** An operator's own message seen on the call; while present we neither write nor clear. */
  foreign?: string;
  /** Our clock (ms) when it was written: a reconcile leaves alone what changed while it ran. */
  at: number;
}

export class StoreError extends Error {
  override name = "StoreError";
}

export type StateStore = ReturnType<typeof createStateStore>;

/** Keys per getItems when reading many: well under a process's file-descriptor limit. */
const READ_SLICE = 500;

/** Runs a store operation; any failure becomes a StoreError that says what was being done. */
export async function guard<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new StoreError(`store ${what} failed: ${(err as Error)?.message ?? err}`, { cause: err });
  }
}

export interface StateStoreOptions {
  /**
   * Only this process writes the store (memory, fs): reads are answered from a copy kept here
   * (mirror.ts). Never for a store that other instances or isolates write too.
   */
  soleWriter?: boolean;
  /** Told when the copy could not be loaded; reads then all go to the store. */
  onMirrorFailed?: (err: unknown) => void;
}

export function createStateStore(storage: Storage, opts: StateStoreOptions = {}) {
  const mirror = opts.soleWriter ? createMirror(storage, opts.onMirrorFailed ?? (() => {})) : undefined;
  const recent = mirror && createRecentDocs();
  const driver = driverAccess(storage);
  const fromStore = <T>(key: string) =>
    guard(`read of ${key}`, async () => {
      const value = await storage.getItem<T>(key);
      // Some drivers hand back the Error of a failed read instead of throwing it.
      if (value instanceof Error) throw value;
      return (value ?? undefined) as T | undefined;
    });
  const get = <T>(key: string): Promise<T | undefined> => {
    const known = mirror ? mirror.read(key) : ASK_STORE;
    return known === ASK_STORE ? fromStore<T>(key) : Promise.resolve((valueOf(known) ?? undefined) as T | undefined);
  };
  /** The copy learns a write once the store has taken it, and stops answering for a key whose write failed. */
  const mirrored = (key: string, write: Promise<void>, learn: () => void) => {
    if (!mirror) return write;
    return write.then(learn, (err: unknown) => {
      mirror.failed(key);
      throw err;
    });
  };
  /** `learnt` is told the held form once the copy has learnt it. */
  const set = (key: string, value: unknown, learnt?: (held: unknown) => void) => {
    const held = mirror ? heldForm(value) : value;
    return mirrored(key, guard(`write of ${key}`, () => driver.setItem(key, storedForm(held))), () => {
      mirror!.wrote(key, held);
      learnt?.(held);
    });
  };
  const del = (key: string) =>
    mirrored(key, guard(`delete of ${key}`, () => driver.removeItem(key)), () => {
      mirror!.removed(key);
      recent?.drop(key);
    });
  /**
   * Values of many keys in the order asked, read in slices, so that one read stays bounded
   * however many keys a listing finds (a store with a file per key runs out of descriptors). Order holds because our
   * Storage has one mount, and unstorage answers a mount's keys in the order given. No keys, no
   * store call.
   */
  const getMany = async (what: string, ks: string[]): Promise<unknown[]> => {
    if (mirror?.serving) {
      const known = mapPushed(ks, (k) => mirror.read(k));
      if (!known.includes(ASK_STORE)) return mapPushed(known, valueOf);
    }
    // One key (the usual meeting: one call) costs less through getItem than through the batch path.
    if (ks.length === 1) return [await get(ks[0]!)];
    const values: unknown[] = [];
    for (let i = 0; i < ks.length; i += READ_SLICE) {
      const items = await guard(what, async () => {
        const read = await storage.getItems(ks.slice(i, i + READ_SLICE));
        const failed = read.find((item) => item.value instanceof Error);
        if (failed) throw failed.value;
        return read;
      });
      for (const { value } of items) values.push(value);
    }
    return values;
  };

  /** A call document as the copy holds it, decoded once per text it was written as; ASK_STORE when the copy cannot tell. */
  const callFromCopy = (key: string, nodeKey: string, callId: string): CallDoc | undefined | typeof ASK_STORE => {
    const held = mirror!.read(key);
    if (held === ASK_STORE || held === undefined) return held;
    const cached = recent!.get(key, held);
    if (cached) return cached;
    const doc = decodeCall(valueOf(held), nodeKey, callId);
    return doc && recent!.put(key, held, freezeDoc(doc));
  };

  /** Every `<prefix>:<node>:<id>` key, read and decoded; a value that does not decode is left out. Never for the CDR path. */
  async function readAll<T>(prefix: string, what: string, decode: (value: unknown, node: string, id: string) => T | undefined): Promise<T[]> {
    const ks = await guard(`listing of ${what}`, () => storage.getKeys(prefix));
    const values = await getMany(`read of ${what}`, ks);
    return ks.flatMap((key, i) => {
      const at = nodeAndId(key);
      const item = at && decode(values[i], at.node, at.id);
      return item ? [item] : [];
    });
  }
  /** Every call document: for the reconciler, the status view and the sole writer's indexes. */
  const allCalls = () => readAll(keys.callPrefix, "calls", decodeCall);
  /** Removes every key under `prefix`: what an older version stored and the sole writer now derives. */
  const removeAll = (prefix: string, what: string) => async () => {
    for (const key of await guard(`listing of ${what}`, () => storage.getKeys(prefix))) await del(key);
  };
  // The sole writer keeps leg pointers and meeting lists here, not in the store (leg-index.ts,
  // meeting-index.ts). What an older version stored of them is removed once, after the first build.
  const legIndex =
    mirror &&
    createLegIndex(
      async () => (await allCalls()).map((doc) => ({ nodeKey: doc.call.nodeKey, callId: doc.call.id, legIds: Object.keys(doc.legs) })),
      removeAll(keys.legCallPrefix, "leg pointers"),
    );
  const meetingIndex =
    mirror &&
    createMeetingIndex(
      async () =>
        (await allCalls()).flatMap((doc) => (doc.call.stub ? [] : [meetingCallOf(doc.call)])),
      removeAll(keys.meetingCallsPrefix, "meeting lists"),
    );
  // Built as soon as the copy is, so that the first batch does not wait for them; a failure is
  // met again, and reported, by the first lookup.
  void mirror
    ?.loaded()
    .then(() => Promise.all([legIndex!.ready(), meetingIndex!.ready()]))
    .catch(() => undefined);

  return {
    storage,
    /** The sole writer's copy of the store (mirror.ts), when there is one. */
    mirror,
    /** With the sole writer's copy, the same frozen object for every read of one write: never change what a read gave. */
    async getCall(nodeKey: string, callId: string): Promise<CallDoc | undefined> {
      const key = keys.call(nodeKey, callId);
      const known = mirror ? callFromCopy(key, nodeKey, callId) : ASK_STORE;
      return known === ASK_STORE ? decodeCall(await fromStore(key), nodeKey, callId) : known;
    },
    /**
     * With the copy, the document handed in is frozen and becomes what the next reads get (a call
     * is read mostly by the batch after the one that wrote it): never change it after this.
     */
    putCall(doc: CallDoc) {
      const key = keys.call(doc.call.nodeKey, doc.call.id);
      if (!recent) return set(key, new JsonText(callText(doc)));
      const frozen = freezeDoc(doc);
      return set(key, new JsonText(callText(frozen)), (held) => recent.put(key, held, frozen));
    },
    deleteCall: (nodeKey: string, callId: string) => del(keys.call(nodeKey, callId)),
    /** Several call documents in one read (one round trip on Redis). */
    async getCalls(refs: { nodeKey: string; callId: string }[]): Promise<(CallDoc | undefined)[]> {
      if (mirror?.serving) {
        const known = mapPushed(refs, (r) => callFromCopy(keys.call(r.nodeKey, r.callId), r.nodeKey, r.callId));
        if (!known.includes(ASK_STORE)) return known as (CallDoc | undefined)[];
      }
      const values = await getMany("read of calls", mapPushed(refs, (r) => keys.call(r.nodeKey, r.callId)));
      return mapPushed(values, (value, i) => decodeCall(value, refs[i]!.nodeKey, refs[i]!.callId));
    },

    // The call id is stored as bare text; packId escapes any id unstorage would read back as a number.
    async getLegCall(nodeKey: string, legId: string): Promise<string | undefined> {
      return (await this.getLegCalls(nodeKey, [legId]))[0];
    },
    /** The calls of several legs of one node, in the order asked: one wait for the index, or one read. */
    async getLegCalls(nodeKey: string, legIds: string[]): Promise<(string | undefined)[]> {
      const what = legIds.length === 1 ? `leg ${legIds[0]}` : `${legIds.length} legs`;
      if (legIndex) return guard(`lookup of ${what}`, () => legIndex.getMany(nodeKey, legIds));
      const values = await getMany(`read of ${legIds.length} leg pointers`, mapPushed(legIds, (id) => keys.legCall(nodeKey, id)));
      return mapPushed(values, unpackString);
    },
    putLegCall(nodeKey: string, legId: string, callId: string): Promise<void> {
      if (!legIndex) return set(keys.legCall(nodeKey, legId), packId(callId));
      legIndex.set(nodeKey, legId, callId);
      return Promise.resolve();
    },
    deleteLegCall(nodeKey: string, legId: string): Promise<void> {
      if (!legIndex) return del(keys.legCall(nodeKey, legId));
      legIndex.delete(nodeKey, legId);
      return Promise.resolve();
    },

    async getPending(nodeKey: string, legId: string): Promise<LegFact | undefined> {
      return (await this.getPendings(nodeKey, [legId]))[0];
    },
    /** The waiting legs of several leg ids of one node, in the order asked (undefined: not waiting). */
    async getPendings(nodeKey: string, legIds: string[]): Promise<(LegFact | undefined)[]> {
      const values = await getMany(`read of ${legIds.length} waiting legs`, mapPushed(legIds, (id) => keys.pending(nodeKey, id)));
      return mapPushed(values, (value, i) => decodeWaitingLeg(value, nodeKey, legIds[i]!));
    },
    putPending: (leg: LegFact) => set(keys.pending(leg.nodeKey, leg.id), encodeWaitingLeg(leg)),
    deletePending: (nodeKey: string, legId: string) => del(keys.pending(nodeKey, legId)),

    async meetingCalls(meetingId: string, nodeKeys: string[]): Promise<{ nodeKey: string; callId: string }[]> {
      if (meetingIndex) return guard(`read of meeting ${meetingId}`, () => meetingIndex.calls(meetingId, nodeKeys));
      const lists = await getMany(`read of meeting ${meetingId}`, nodeKeys.map((k) => keys.meetingCalls(meetingId, k)));
      return lists.flatMap((value, i) => packedList(value).map((packed) => ({ nodeKey: nodeKeys[i]!, callId: unpackId(packed) })));
    },
    // The lists hold packed ids: packing is one-to-one, so comparing packed ids compares the ids.
    async addMeetingCall(call: CallFact) {
      if (meetingIndex) return meetingIndex.add(meetingCallOf(call));
      const key = keys.meetingCalls(meetingIdOf(call), call.nodeKey);
      const ids = packedList(await get(key));
      const id = packId(call.id);
      if (!ids.includes(id)) await set(key, [...ids, id]);
    },
    async removeMeetingCall(call: CallFact) {
      if (meetingIndex) return meetingIndex.remove(meetingCallOf(call));
      const key = keys.meetingCalls(meetingIdOf(call), call.nodeKey);
      const id = packId(call.id);
      const ids = packedList(await get(key)).filter((other) => other !== id);
      await (ids.length ? set(key, ids) : del(key));
    },

    nodeKeys: async () => (await get<string[]>(keys.nodeKeys)) ?? [],
    async addNodeKey(nodeKey: string) {
      const known = (await get<string[]>(keys.nodeKeys)) ?? [];
      if (!known.includes(nodeKey)) await set(keys.nodeKeys, [...known, nodeKey]);
    },

    getApplied: async (node: string, callId: string) => decodeApplied(await get(keys.applied(node, callId))),
    putApplied: (node: string, callId: string, rec: AppliedRecord) => set(keys.applied(node, callId), encodeApplied(rec)),
    deleteApplied: (node: string, callId: string) => del(keys.applied(node, callId)),
    /** The applied records of several node-calls in one read. */
    async getAppliedMany(refs: { node: string; callId: string }[]): Promise<(AppliedRecord | undefined)[]> {
      const values = await getMany("read of applied banners", mapPushed(refs, (r) => keys.applied(r.node, r.callId)));
      return mapPushed(values, (value) => decodeApplied(value));
    },

    getHighWater: async (session: string) => (await get<number>(keys.highWater(session))) ?? -1,
    putHighWater: (session: string, index: number) => set(keys.highWater(session), index),

    getAlias: async (nodeKey: string) => asString(await get<string>(keys.alias(nodeKey))),
    putAlias: (nodeKey: string, node: string) => set(keys.alias(nodeKey), node),

    /** Forgets a call that ended or that the CMS no longer knows, with everything that points at it. */
    async dropCall(doc: CallDoc, node?: string) {
      const k = doc.call.nodeKey;
      await Promise.all(Object.keys(doc.legs).map((legId) => this.deleteLegCall(k, legId)));
      await del(keys.call(k, doc.call.id));
      if (!doc.call.stub) await this.removeMeetingCall(doc.call);
      if (node) await del(keys.applied(node, doc.call.id));
    },
    allCalls,
    allPending: (): Promise<LegFact[]> => readAll(keys.pendingPrefix, "pending legs", decodeWaitingLeg),
    allApplied: (): Promise<{ node: string; callId: string; rec: AppliedRecord }[]> =>
      readAll(keys.appliedPrefix, "applied banners", (value, node, callId) => {
        const rec = decodeApplied(value);
        return rec && { node, callId, rec };
      }),
    /** Readiness: a write and a read-back, because a store can be readable yet refuse writes. */
    async ping(now: number) {
      await set("health", now);
      if ((await fromStore<number>("health")) !== now) throw new StoreError("store ping read back a different value");
    },
  };
}

/** Where a call's document places it in the meeting index. */
function meetingCallOf(call: CallFact): MeetingCall {
  return { meetingId: meetingIdOf(call), nodeKey: call.nodeKey, callId: call.id };
}

function asString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function unpackString(value: unknown): string | undefined {
  const text = asString(value);
  return text === undefined ? undefined : unpackId(text);
}

function packedList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
