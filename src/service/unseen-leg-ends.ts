/**
 * Legs whose callLegEnd came before we knew them. At start-up a reconcile reads a leg's detail,
 * and the leg may leave in the milliseconds before the reconcile stores it: the callLegEnd then
 * names a leg the store does not hold, and ingest can only drop it. The CDR is the newer fact, so
 * the reconcile must not add that leg after it (its meeting would count a participant who left
 * until the next reconcile). Ingest adds here and the reconciler asks, both under the node's lease.
 *
 * Kept in process memory, for the CDRs this instance takes: with several instances on Redis, a
 * callLegEnd taken by another instance is not seen here, nor on Workers one taken by another
 * isolate. The next reconcile corrects those, as it did every such leg before. Leg ids are GUIDs, never reused, so an
 * entry only has to outlive a reconcile run; the oldest go first past the bound.
 */
const KEEP_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

export type UnseenLegEnds = ReturnType<typeof createUnseenLegEnds>;

export function createUnseenLegEnds(keepMs = KEEP_MS, maxEntries = MAX_ENTRIES) {
  /** `<nodeKey>:<legId>` → when its callLegEnd came, oldest first. */
  const ends = new Map<string, number>();

  function prune(now: number) {
    for (const [key, at] of ends) {
      if (at > now - keepMs && ends.size <= maxEntries) return;
      ends.delete(key);
    }
  }

  return {
    add(nodeKey: string, legId: string, now: number) {
      const key = `${nodeKey}:${legId}`;
      ends.delete(key);
      ends.set(key, now);
      prune(now);
    },
    has(nodeKey: string, legId: string, now: number): boolean {
      prune(now);
      return ends.has(`${nodeKey}:${legId}`);
    },
  };
}
