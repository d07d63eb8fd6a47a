/**
 * The key layout of call state on an unstorage Storage.
 *
 * unstorage's memory and fs drivers answer `getKeys(base)` by listing every key, so nothing on the
 * CDR path lists keys: each lookup is a direct read of a key computed here. Every document has one
 * writer stream — the records of one Call Bridge (`nodeKey`) — so documents of different nodes
 * never contend, and a meeting spread over nodes is joined through one small list per node.
 *
 * | key                          | value                                         |
 * |------------------------------|-----------------------------------------------|
 * | call:<nodeKey>:<callId>      | CallDoc: the call and its legs                |
 * | legcall:<nodeKey>:<legId>    | call id of a leg (callLegEnd carries none)    |
 * | pending:<nodeKey>:<legId>    | LegFact of a leg whose call is not known yet  |
 * | mcalls:<meetingId>:<nodeKey> | call ids of that meeting on that node         |
 * | nodekeys                     | every nodeKey that has held a call            |
 * | applied:<node>:<callId>      | AppliedRecord: what we last set on that call  |
 * | hwm:<session>                | highest correlatorIndex applied (dedupe)      |
 * | alias:<nodeKey>              | configured node name an unresolved key maps to|
 * | audit:days                   | UTC days (YYYY-MM-DD) that hold audit entries |
 * | audit:d:<day>:<ms>-<rand>    | AuditEntry: one banner change (store/audit.ts)|
 *
 * Audit entries are written after the CDR answer and listed only by the console and by the
 * pruning that runs with the reconciler: one day's prefix at a time, found through `audit:days`.
 */

export const keys = {
  call: (nodeKey: string, callId: string) => `call:${nodeKey}:${callId}`,
  callPrefix: "call",
  legCall: (nodeKey: string, legId: string) => `legcall:${nodeKey}:${legId}`,
  pending: (nodeKey: string, legId: string) => `pending:${nodeKey}:${legId}`,
  pendingPrefix: "pending",
  meetingCalls: (meetingId: string, nodeKey: string) => `mcalls:${meetingId}:${nodeKey}`,
  nodeKeys: "nodekeys",
  applied: (node: string, callId: string) => `applied:${node}:${callId}`,
  appliedPrefix: "applied",
  highWater: (session: string) => `hwm:${session}`,
  alias: (nodeKey: string) => `alias:${nodeKey}`,
  auditDays: "audit:days",
  auditDay: (day: string) => `audit:d:${day}`,
  auditEntry: (day: string, id: string) => `audit:d:${day}:${id}`,
};

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
