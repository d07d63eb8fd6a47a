/**
 * Which calls each meeting has on each node, for a store only this process writes (memory, fs):
 * kept here and derived from the call documents, as leg-index.ts derives the leg pointers,
 * instead of stored as a list per meeting and node. A call document names its meeting (its
 * correlator), and intake, the applier and the reconciler add a call to its meeting's list when
 * they store the document and take it off when they drop it, so the lists said nothing the
 * documents do not. Storing them was one of the four store writes per reconciled call, a write
 * per callStart and per callEnd, and 55 bytes per meeting (docs/performance.md, eighth round). A
 * store that other instances write too (Redis) keeps its `m:` lists.
 *
 * Built and kept as derived-index.ts says: a change made before the build has finished is
 * remembered per meeting, node and call, and the build adds none of what it read for those.
 */

import { derivedIndex } from "./derived-index.ts";

/** A call as its document places it: its meeting, its node key and its id. */
export interface MeetingCall {
  meetingId: string;
  nodeKey: string;
  callId: string;
}

export type MeetingIndex = ReturnType<typeof createMeetingIndex>;

/** `readCalls` lists every call that belongs to a meeting; `cleanUp` runs once after the first build that succeeded. */
export function createMeetingIndex(readCalls: () => Promise<MeetingCall[]>, cleanUp: () => Promise<void> = async () => {}) {
  /**
   * A meeting's call ids on one node, in the order they were added, as the stored lists were:
   * one flat map, because a Map per meeting cost more heap than the stored list did.
   */
  const lists = new Map<string, string[]>();
  // Lengths first, so that no id can run into the next: any text may be a node key or an id.
  const listKey = (meetingId: string, nodeKey: string) => `${meetingId.length}:${meetingId}${nodeKey.length}:${nodeKey}`;
  const at = (c: MeetingCall) => listKey(c.meetingId, c.nodeKey) + c.callId;
  const index = derivedIndex(
    readCalls,
    (c, changed) => {
      if (!changed(at(c))) add(c);
    },
    cleanUp,
  );

  function add({ meetingId, nodeKey, callId }: MeetingCall) {
    const key = listKey(meetingId, nodeKey);
    const ids = lists.get(key);
    if (ids === undefined) lists.set(key, [callId]);
    else if (!ids.includes(callId)) ids.push(callId);
  }

  function remove({ meetingId, nodeKey, callId }: MeetingCall) {
    const key = listKey(meetingId, nodeKey);
    const left = lists.get(key)?.filter((id) => id !== callId);
    if (left === undefined) return;
    if (left.length > 0) lists.set(key, left);
    else lists.delete(key);
  }

  return {
    /** Starts the build now rather than at the first lookup. */
    ready: index.ready,
    /** The meeting's calls on each of `nodeKeys`, node by node. */
    async calls(meetingId: string, nodeKeys: string[]): Promise<{ nodeKey: string; callId: string }[]> {
      await index.ready();
      // Pushed, not made by flatMap (core/pushed.ts).
      const calls: { nodeKey: string; callId: string }[] = [];
      for (const nodeKey of nodeKeys) for (const callId of lists.get(listKey(meetingId, nodeKey)) ?? []) calls.push({ nodeKey, callId });
      return calls;
    },
    add(c: MeetingCall) {
      add(c);
      index.touch(at(c));
    },
    remove(c: MeetingCall) {
      remove(c);
      index.touch(at(c));
    },
    /** Lists held: one per meeting and node. */
    get size() {
      return lists.size;
    },
  };
}
