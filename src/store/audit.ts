/**
 * The audit trail: one entry per banner change, in the same store as the call state, kept for
 * AUDIT_RETENTION_DAYS. Entries are grouped by UTC day so that a query reads only the days it
 * asks about and pruning drops whole days; a mark per day (`audit:i:<day>`) saves listing the whole
 * store. Several instances may write at once, and nothing here needs a lock (DESIGN principle 4):
 * entry keys carry a random part, a day's mark is set, never read and rewritten, by every writer
 * that starts the day, and pruning removes only the marks of days it has emptied.
 *
 * The marks replaced one list of days that both a day's first entry and pruning read, changed and
 * wrote back: a prune that had read it before a new day was added wrote it back without that day.
 * That list (`audit:days`) is still read; the first prune turns its kept days into marks and removes
 * it. An instance of the version before, still running during an upgrade, may add a day to the
 * list just before that removal: that day is then listed again as soon as an instance of this
 * version writes an entry on it.
 *
 * Entries are history, kept whether their meeting lives or not, and there is one per banner
 * change: so they are written compactly too. The time is the key's, ids are packed, field names
 * are one letter: m meetingId · n meetingName · o node · c callId · f from · t to · y cause
 * (an empty from or to is left out). Entries written before (long names, `at` in the value) are
 * read as well, so the trail survives the upgrade; they go with their day.
 */
import type { Storage } from "unstorage";
import type { BannerChange } from "../core/model.ts";
import { driverAccess } from "./driver-access.ts";
import { packId, unpackId } from "./id-codec.ts";
import { keys } from "./keys.ts";
import { guard } from "./state.ts";

export type AuditEntry = BannerChange;

export interface AuditQuery {
  meeting?: string;
  /** Ms since epoch; entries at or after it. */
  since?: number;
  /** Newest first, at most this many. */
  limit?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** What a day looks like in a mark's key or the old list: anything else there is not a day. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type AuditLog = ReturnType<typeof createAuditLog>;

export function createAuditLog(storage: Storage) {
  /** The days with entries: the marks, and the list of before while it is still there. */
  const readDays = async () => {
    const marks = await guard("listing of the audit day marks", () => storage.getKeys(keys.auditDayMarks));
    const days = new Set([...marks.map((k) => k.slice(k.lastIndexOf(":") + 1)), ...(await readLegacyDays())]);
    return [...days].filter((d) => DAY.test(d)).sort();
  };
  const readLegacyDays = async () => {
    const days = await guard("read of the audit day list", () => storage.getItem<string[]>(keys.legacyAuditDays));
    return Array.isArray(days) ? days.map(String) : [];
  };
  const driver = driverAccess(storage);
  // The day this process last marked: one write per day instead of one per entry.
  let marked: string | undefined;

  return {
    async record(entry: AuditEntry) {
      const day = dayOf(entry.at);
      const id = `${String(entry.at).padStart(13, "0")}-${crypto.randomUUID().slice(0, 8)}`;
      // As text, straight to the driver (driver-access.ts): what Storage would have made of the object.
      await guard("write of an audit entry", () => driver.setItem(keys.auditEntry(day, id), JSON.stringify(encodeEntry(entry))));
      if (marked === day) return;
      await guard("write of an audit day mark", () => storage.setItem(keys.auditDayMark(day), 1));
      marked = day;
    },

    async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
      const since = q.since ?? 0;
      const limit = q.limit ?? 200;
      const days = (await readDays()).filter((d) => d >= dayOf(since)).sort().reverse();
      const out: AuditEntry[] = [];
      for (const day of days) {
        // Key names sort by time, so older entries of the day are read only when still needed.
        const ks = (await guard(`listing of audit day ${day}`, () => storage.getKeys(keys.auditDay(day)))).sort().reverse();
        const items = await guard(`read of audit day ${day}`, () => storage.getItems(ks));
        for (const { key, value } of items) {
          const e = decodeEntry(value, key);
          if (e && e.at >= since && (!q.meeting || e.meetingId === q.meeting)) out.push(e);
        }
        if (out.length >= limit) break;
      }
      return out.sort((a, b) => b.at - a.at).slice(0, limit);
    },

    /** Drops every day older than the retention; returns how many entries went. */
    async prune(now: number, retentionDays: number): Promise<number> {
      const cutoff = dayOf(now - retentionDays * DAY_MS);
      const days = await readDays();
      const old = days.filter((d) => d < cutoff);
      let removed = 0;
      for (const day of old) {
        const ks = await guard(`listing of audit day ${day}`, () => storage.getKeys(keys.auditDay(day)));
        await guard(`removal of audit day ${day}`, () => Promise.all(ks.map((k) => storage.removeItem(k))));
        // The mark goes after the entries: a prune cut short leaves a day listed, never entries unlisted.
        await guard(`removal of audit day mark ${day}`, () => storage.removeItem(keys.auditDayMark(day)));
        removed += ks.length;
      }
      const legacy = await readLegacyDays();
      if (legacy.length) {
        const kept = legacy.filter((d) => DAY.test(d) && d >= cutoff);
        await guard("write of audit day marks", () => Promise.all(kept.map((d) => storage.setItem(keys.auditDayMark(d), 1))));
        await guard("removal of the audit day list", () => storage.removeItem(keys.legacyAuditDays));
      }
      return removed;
    },
  };
}

interface StoredEntry {
  m: string;
  n: string;
  o: string;
  c: string;
  f?: string;
  t?: string;
  y: string;
}

/** As written before entries were compact; still read until AUDIT_RETENTION_DAYS prunes the last. */
type LongEntry = Partial<AuditEntry>;

function encodeEntry(e: AuditEntry): StoredEntry {
  return { m: packId(e.meetingId), n: e.meetingName, o: e.node, c: packId(e.callId), f: e.from || undefined, t: e.to || undefined, y: e.cause };
}

function decodeEntry(raw: unknown, key: string): AuditEntry | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Partial<StoredEntry> & LongEntry;
  // The key ends in `<ms>-<random>`: the time of the change.
  const at = typeof r.at === "number" ? r.at : Number(key.slice(key.lastIndexOf(":") + 1).split("-")[0]);
  // Only the compact form's ids are packed.
  const meetingId = r.m === undefined ? r.meetingId : unpackId(r.m);
  const callId = r.c === undefined ? r.callId : unpackId(r.c);
  if (!Number.isFinite(at) || meetingId === undefined || callId === undefined) return undefined;
  return {
    at,
    meetingId,
    meetingName: r.n ?? r.meetingName ?? "",
    node: r.o ?? r.node ?? "",
    callId,
    from: r.f ?? r.from ?? "",
    to: r.t ?? r.to ?? "",
    cause: r.y ?? r.cause ?? "",
  };
}
