/**
 * How one CDR record changes the facts about a call or a leg. Pure: the caller brings the current
 * fact (or none) and the clock reading, and stores what comes back. Applying the same record twice
 * yields the same fact, which is what makes re-sent batches harmless.
 */
import type { CallLegStart, CallLegUpdate, CallStart } from "./records.ts";
import type { CallFact, LegFact } from "./model.ts";

export function callFromStart(rec: CallStart, nodeKey: string, seenAt: number): CallFact {
  const c = rec.call;
  return {
    id: c.id,
    nodeKey,
    name: c.name,
    callType: c.callType,
    coSpace: c.coSpace,
    correlator: c.callCorrelator,
    tenant: c.tenant,
    since: rec.time,
    seenAt,
    source: "cdr",
  };
}

/** A call we know only because a leg named it: its meeting is unknown until callStart or the API says. */
export function stubCall(id: string, nodeKey: string, since: string, seenAt: number): CallFact {
  return { id, nodeKey, name: "", since, seenAt, source: "cdr", stub: true };
}

export function legFromStart(existing: LegFact | undefined, rec: CallLegStart, nodeKey: string, seenAt: number): LegFact {
  const l = rec.leg;
  return {
    id: l.id,
    nodeKey,
    // A leg's call may already be known from an earlier update even if this start lacks it.
    callId: l.callId ?? existing?.callId,
    displayName: l.displayName ?? existing?.displayName,
    remoteParty: l.remoteParty ?? existing?.remoteParty,
    remoteAddress: l.remoteAddress ?? existing?.remoteAddress,
    type: l.type ?? existing?.type,
    subType: l.subType ?? existing?.subType,
    lyncSubType: l.lyncSubType ?? existing?.lyncSubType,
    direction: l.direction ?? existing?.direction,
    guest: l.guestConnection || Boolean(existing?.guest),
    recording: l.recording || Boolean(existing?.recording),
    streaming: l.streaming || Boolean(existing?.streaming),
    inIvr: l.callId ? false : Boolean(existing?.inIvr),
    deactivated: existing?.deactivated ?? false,
    since: existing?.since ?? rec.time,
    seenAt,
    source: "cdr",
  };
}

/** An update may be the first we hear of a leg (after a restart or lost records): start from scratch then. */
export function legFromUpdate(existing: LegFact | undefined, rec: CallLegUpdate, nodeKey: string, seenAt: number): LegFact {
  const u = rec.leg;
  const base: LegFact = existing ?? {
    id: u.id,
    nodeKey,
    guest: false,
    recording: false,
    streaming: false,
    inIvr: false,
    deactivated: false,
    since: rec.time,
    seenAt,
    source: "cdr",
  };
  return {
    ...base,
    callId: u.inIvr ? undefined : (u.callId ?? base.callId),
    inIvr: u.inIvr ? true : u.callId ? false : base.inIvr,
    deactivated: u.deactivated ?? base.deactivated,
    displayName: u.displayName ?? base.displayName,
    remoteAddress: u.remoteAddress ?? base.remoteAddress,
    seenAt,
  };
}

/** Short words for logs and the audit of what changed a meeting. */
export function describeLeg(leg: Pick<LegFact, "id" | "displayName" | "remoteParty" | "remoteAddress">): string {
  const who = leg.displayName || leg.remoteParty || leg.remoteAddress;
  return who ? `leg ${leg.id} (${who})` : `leg ${leg.id}`;
}
