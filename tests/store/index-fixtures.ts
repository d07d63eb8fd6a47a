/** Calls, legs and a store whose listings fail, for the tests of the sole writer's derived indexes (leg-index, meeting-index). */
import type { Storage } from "unstorage";
import type { CallFact, LegFact } from "../../src/core/model.ts";

export const call = (id: string, extra: Partial<CallFact> = {}): CallFact => ({
  id, nodeKey: "cb-a", name: `Meeting ${id}`, correlator: "m-1", since: "2026-11-27T10:00:00Z", seenAt: 1, source: "cdr", ...extra,
});

export const leg = (id: string, callId: string): LegFact => ({
  id, nodeKey: "cb-a", callId, displayName: "Visitor", guest: true, recording: false, streaming: false, inIvr: false,
  deactivated: false, since: "2026-11-27T10:00:05Z", seenAt: 2, source: "cdr",
});

/** Makes `storage`'s key listings fail ("disk unplugged") until the returned function is called. */
export function failListings(storage: Storage): () => void {
  const getKeys = storage.getKeys.bind(storage);
  let failing = true;
  storage.getKeys = (async (...args: Parameters<typeof getKeys>) => {
    if (failing) throw new Error("disk unplugged");
    return getKeys(...args);
  }) as typeof storage.getKeys;
  return () => {
    failing = false;
  };
}
