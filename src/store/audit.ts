/**
 * The audit trail: one entry per banner change, in the same store as the call state, kept for
 * AUDIT_RETENTION_DAYS. Entries are grouped by UTC day so that a query reads only the days it
 * asks about and pruning drops whole days; a small index of days saves listing the whole store.
 * Several instances may write at once: entry keys carry a random part, and the day index only
 * ever gains a day on the write path (pruning, the one remover, runs with the reconciler).
 *
 * Entries are history, kept whether their meeting lives or not, and there is one per banner
 * change: so they are written compactly too. The time is the key's, ids are packed, field names
 * are one letter: m meetingId · n meetingName · o node · c callId · f from · t to · y cause
 * (an empty from or to is left out). Entries written before (long names, `at` in the value) are
 * read as well, so the trail survives the upgrade; they go with their day.
 */
import type { Storage } from "unstorage";
import type { BannerChange } from "../core/model.ts";
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

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type AuditLog = ReturnType<typeof createAuditLog>;

/** Runs a task alone: no other task given to it runs meanwhile (the service's KeyedMutex, a lease with several instances). */
export type Serialise = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * `alone` guards the day index (`audit:days`), which is read, changed and written back by the
 * first entry of a day and by pruning: unguarded, a prune that read the index before a new day
 * was added wrote it back without that day, and the day's entries vanished from every query.
 * The service always passes one; without it (a lone reader or writer) tasks just run.
 */
export function createAuditLog(storage: Storage, alone: Serialise = (task) => task()) {
  const readDays = async () => {
    const days = await guard("read of the audit day index", () => storage.getItem<string[]>(keys.auditDays));
    return Array.isArray(days) ? days : [];
  };
  // The day this process last saw in the index: one read per day instead of one per entry.
  let indexed: string | undefined;

  return {
    async record(entry: AuditEntry) {
      const day = dayOf(entry.at);
      const id = `${String(entry.at).padStart(13, "0")}-${crypto.randomUUID().slice(0, 8)}`;
      await guard("write of an audit entry", () => storage.setItem(keys.auditEntry(day, id), encodeEntry(entry)));
      if (indexed === day) return;
      await alone(async () => {
        const days = await readDays();
        if (!days.includes(day)) await guard("write of the audit day index", () => storage.setItem(keys.auditDays, [...days, day].sort()));
      });
      indexed = day;
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
        removed += ks.length;
      }
      if (old.length) {
        await alone(async () => {
          // Read again: a day may have been added since the read above.
          const current = await readDays();
          await guard("write of the audit day index", () => storage.setItem(keys.auditDays, current.filter((d) => d >= cutoff)));
        });
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
