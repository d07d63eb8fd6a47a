/**
 * The key layout of call state on an unstorage Storage.
 *
 * unstorage's memory and fs drivers answer `getKeys(base)` by listing every key, so nothing on the
 * CDR path lists keys: each lookup is a direct read of a key computed here. Every document has one
 * writer stream — the records of one Call Bridge (`nodeKey`) — so documents of different nodes
 * never contend, and a meeting spread over nodes is joined through one small list per node.
 *
 * Prefixes are one letter and ids are packed (id-codec.ts): a live meeting was eight keys, and its
 * key names alone were a third of its bytes (on the sole writer's store, without leg pointers and
 * meeting lists, it is now two: its call and its applied banner). `:` separates parts (the fs
 * store makes each a folder).
 *
 * | key                       | value                                              |
 * |---------------------------|----------------------------------------------------|
 * | c:<nodeKey>:<callId>      | CallDoc: the call and its legs (call-codec.ts)     |
 * | l:<nodeKey>:<legId>       | call id of a leg (callLegEnd carries none); only   |
 * |                           | on a shared store: see leg-index.ts                |
 * | p:<nodeKey>:<legId>       | LegFact of a leg whose call is not known yet       |
 * | m:<meetingId>:<nodeKey>   | call ids of that meeting on that node; only on a   |
 * |                           | shared store: see meeting-index.ts                 |
 * | k                         | every nodeKey that has held a call                 |
 * | b:<node>:<callId>         | AppliedRecord: the banner we last set on that call |
 * | h:<session>               | highest correlatorIndex applied (dedupe)           |
 * | n:<nodeKey>               | configured node name an unresolved key maps to     |
 * | health                    | readiness probe: written and read back             |
 * | audit:i:<day>             | marks a UTC day (YYYY-MM-DD) that holds entries    |
 * | audit:d:<day>:<ms>-<rand> | AuditEntry: one banner change (audit.ts)           |
 * | audit:days                | the day list of before the marks: read, then gone  |
 *
 * Audit entries are history, not live state: written after the CDR answer, listed only by the
 * console and by the pruning that runs with the reconciler, one day's prefix at a time.
 *
 * The layout before this one (`call:`, `legcall:`, `mcalls:`, `applied:`, `hwm:`… with ids as
 * written) is not read: after an upgrade the start-up reconcile rebuilds live state from the CMS.
 * See "Upgrading" in docs/operations.md.
 */
import { packId, unpackId } from "./id-codec.ts";

export const keys = {
  call: (nodeKey: string, callId: string) => `c:${nodeKey}:${packId(callId)}`,
  callPrefix: "c",
  legCall: (nodeKey: string, legId: string) => `l:${nodeKey}:${packId(legId)}`,
  legCallPrefix: "l",
  pending: (nodeKey: string, legId: string) => `p:${nodeKey}:${packId(legId)}`,
  pendingPrefix: "p",
  meetingCalls: (meetingId: string, nodeKey: string) => `m:${packId(meetingId)}:${nodeKey}`,
  meetingCallsPrefix: "m",
  nodeKeys: "k",
  applied: (node: string, callId: string) => `b:${node}:${packId(callId)}`,
  appliedPrefix: "b",
  highWater: (session: string) => `h:${packId(session)}`,
  alias: (nodeKey: string) => `n:${nodeKey}`,
  /** The day list the marks replaced (audit.ts reads it until it prunes it away). */
  legacyAuditDays: "audit:days",
  auditDayMarks: "audit:i",
  auditDayMark: (day: string) => `audit:i:${day}`,
  auditDay: (day: string) => `audit:d:${day}`,
  auditEntry: (day: string, id: string) => `audit:d:${day}:${id}`,
};

/** The node part and the id of a listed `<prefix>:<node>:<id>` key (call, pending and applied keys). */
export function nodeAndId(key: string): { node: string; id: string } | undefined {
  const [, node, id] = key.split(":");
  return node && id ? { node, id: unpackId(id) } : undefined;
}

/** A meeting is a callCorrelator; a call without one (pre-R1.7 CMS) is a meeting of its own. */
export function meetingIdOf(call: { id: string; correlator?: string }): string {
  return call.correlator ?? `solo-${call.id}`;
}

/** Calls from a batch whose node is not named by the URL are keyed by what the batch tells us. */
export function sourceKey(batch: { callBridge?: string; session?: string }): string | undefined {
  if (batch.callBridge) return `cb_${batch.callBridge}`;
  if (batch.session) return `s_${batch.session}`;
  return undefined;
}

export function isUnresolved(nodeKey: string): boolean {
  return nodeKey.includes("_");
}
