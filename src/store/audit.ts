/**
 * The audit trail: one entry per banner change, in the same store as the call state, kept for
 * AUDIT_RETENTION_DAYS. Entries are grouped by UTC day so that a query reads only the days it
 * asks about and pruning drops whole days; a small index of days saves listing the whole store.
 * Several instances may write at once: entry keys carry a random part, and the day index only
 * ever gains a day on the write path (pruning, the one remover, runs with the reconciler).
 */
import type { Storage } from "unstorage";
import { keys } from "./keys.ts";
import type { BannerChange } from "../core/model.ts";
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

export function createAuditLog(storage: Storage) {
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
      await guard("write of an audit entry", () => storage.setItem(keys.auditEntry(day, id), entry as never));
      if (indexed === day) return;
      const days = await readDays();
      if (!days.includes(day)) await guard("write of the audit day index", () => storage.setItem(keys.auditDays, [...days, day].sort()));
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
        for (const { value } of items) {
          const e = value as AuditEntry | null;
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
        // Re-read: another instance may have added today's day meanwhile.
        const current = await readDays();
        await guard("write of the audit day index", () => storage.setItem(keys.auditDays, current.filter((d) => d >= cutoff)));
      }
      return removed;
    },
  };
}
