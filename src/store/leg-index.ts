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
 * disk), and kept by every pointer write after that. Until it is built, a lookup waits for it; a
 * build that failed is tried again by the next lookup, which fails the same way if it fails again:
 * a batch that cannot tell where a leg is must be refused (the CMS sends it again), not stored as
 * if the leg were unknown.
 */

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
  /**
   * Legs a write placed or removed before the index was built: what a build reads of them may be
   * older (a pointer is written before its document). Kept across a failed build, for the next.
   */
  let touched: Set<string> | undefined = new Set();
  let built: Promise<void> | undefined;

  const at = (nodeKey: string, legId: string) => `${nodeKey}:${legId}`;
  const touch = (key: string) => touched?.add(key);

  async function build() {
    const calls = await readCalls();
    for (const { nodeKey, callId, legIds } of calls) {
      for (const legId of legIds) {
        const key = at(nodeKey, legId);
        if (!touched!.has(key)) callOf.set(key, callId);
      }
    }
    await cleanUp();
    touched = undefined;
  }
  const ready = () => {
    built ??= build().catch((err: unknown) => {
      built = undefined;
      throw err;
    });
    return built;
  };

  return {
    /** Starts the build now rather than at the first lookup. */
    ready,
    async get(nodeKey: string, legId: string): Promise<string | undefined> {
      await ready();
      return callOf.get(at(nodeKey, legId));
    },
    set(nodeKey: string, legId: string, callId: string) {
      const key = at(nodeKey, legId);
      callOf.set(key, callId);
      touch(key);
    },
    delete(nodeKey: string, legId: string) {
      const key = at(nodeKey, legId);
      callOf.delete(key);
      touch(key);
    },
    get size() {
      return callOf.size;
    },
  };
}
