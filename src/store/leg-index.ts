/**
 * Which call each leg is in, for a store only this process writes (memory, fs): kept here and
 * derived from the call documents, instead of stored as a pointer per leg. A call document already
 * lists its legs, and intake and the reconciler keep pointer and document in step, so the pointers
 * added nothing the documents do not say. Storing them was five of the nine store writes per call
 * a reconcile adds, and a write per join and per leave on the CDR path (docs/performance.md,
 * seventh round). A store that other instances write too (Redis) keeps the `l:` pointers: there
 * no process sees every write.
 *
 * Built once from the documents, after the sole writer's copy has loaded (so from memory, not the
 * disk), and kept by every pointer write after that, as derived-index.ts says: until it is built
 * a lookup waits, and a build that failed refuses the lookup and is tried again.
 */

import { derivedIndex } from "./derived-index.ts";

/** A call's node key, id and leg ids, as the documents list them. */
export interface CallLegs {
  nodeKey: string;
  callId: string;
  legIds: string[];
}

export type LegIndex = ReturnType<typeof createLegIndex>;

/** `readCalls` lists every call's legs; `cleanUp` runs once after the first build that succeeded. */
export function createLegIndex(readCalls: () => Promise<CallLegs[]>, cleanUp: () => Promise<void> = async () => {}) {
  const callOf = new Map<string, string>();
  const at = (nodeKey: string, legId: string) => `${nodeKey}:${legId}`;
  // A pointer written before the build wins over what the build read: pointers are written
  // before their documents.
  const index = derivedIndex(
    readCalls,
    ({ nodeKey, callId, legIds }, changed) => {
      for (const legId of legIds) {
        const key = at(nodeKey, legId);
        if (!changed(key)) callOf.set(key, callId);
      }
    },
    cleanUp,
  );

  return {
    /** Starts the build now rather than at the first lookup. */
    ready: index.ready,
    async get(nodeKey: string, legId: string): Promise<string | undefined> {
      return (await this.getMany(nodeKey, [legId]))[0];
    },
    async getMany(nodeKey: string, legIds: string[]): Promise<(string | undefined)[]> {
      await index.ready();
      const calls: (string | undefined)[] = [];
      for (const legId of legIds) calls.push(callOf.get(at(nodeKey, legId)));
      return calls;
    },
    set(nodeKey: string, legId: string, callId: string) {
      const key = at(nodeKey, legId);
      callOf.set(key, callId);
      index.touch(key);
    },
    delete(nodeKey: string, legId: string) {
      const key = at(nodeKey, legId);
      callOf.delete(key);
      index.touch(key);
    },
    get size() {
      return callOf.size;
    },
  };
}
