/**
 * The call documents read lately, decoded, beside the sole writer's copy (mirror.ts). A call is
 * read by its batch, by the banner run after it and by the next batch (a meeting's records come
 * in bursts), and parsing and decoding it cost more than the rest of a read. An entry is used only
 * while the copy still holds the very text it was decoded from, so a newer write, a failed one or
 * a removal makes it stale at once.
 *
 * Kept are the documents decoded from that text and the documents writers hand in (state.ts). A
 * call is read mostly by the batch after the one that wrote it, so without the writers' documents
 * this was seldom hit. A writer's document holds strings that came from CDRs and API replies; they
 * are copies of their own (core/own-string.ts), so an entry never holds the body it came from.
 *
 * Entries are frozen, deeply (freezeDoc, by whoever puts one), because every reader gets the same
 * object: code that changed a document it read would otherwise change every later read. Bounded,
 * least recently used first out: a live meeting keeps its state in the copy's text, not here.
 */
import { valuesOf } from "../core/id-record.ts";
import type { CallDoc } from "./state.ts";

/**
 * A kept document with its frozen legs (and their kept text and roles) costs about 7 KB of heap: a
 * constant 7 MiB, not a cost per meeting. In the bench a call is read again within a few hundred
 * others. 512 hit 95 % of the reads and 1,024 all of them, and 512 cost 15–19 µs more CPU per
 * record, far more than its 5 % of misses explain (docs/performance.md, fourth round).
 */
export const RECENT_DOCS = 1024;

export type RecentDocs = ReturnType<typeof createRecentDocs>;

export function createRecentDocs(limit = RECENT_DOCS) {
  const docs = new Map<string, { held: unknown; doc: CallDoc }>();
  return {
    /** The document decoded from `held`, if it is still here. */
    get(key: string, held: unknown): CallDoc | undefined {
      const entry = docs.get(key);
      if (!entry || entry.held !== held) return undefined;
      // Map order is use order: the oldest entry is the first one.
      docs.delete(key);
      docs.set(key, entry);
      return entry.doc;
    },
    /** `doc`: frozen (freezeDoc), and equal to what decoding `held` gives. */
    put(key: string, held: unknown, doc: CallDoc): CallDoc {
      docs.delete(key);
      docs.set(key, { held, doc });
      if (docs.size > limit) docs.delete(docs.keys().next().value!);
      return doc;
    },
    /** A removed call's document is of no more use: not kept until it ages out. */
    drop(key: string) {
      docs.delete(key);
    },
    get size() {
      return docs.size;
    },
  };
}

export function freezeDoc(doc: CallDoc): CallDoc {
  Object.freeze(doc.call);
  // Most legs are the very objects of the document before, frozen then: asking is cheaper than freezing again.
  for (const leg of valuesOf(doc.legs)) if (!Object.isFrozen(leg)) Object.freeze(leg);
  Object.freeze(doc.legs);
  if (doc.ended) Object.freeze(doc.ended);
  return Object.freeze(doc);
}
