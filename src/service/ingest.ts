/**
 * Records in, state changes stored. Runs before the CDR batch is acknowledged, so it does no CMS
 * I/O: it only decides which meetings need their banner looked at, and why.
 */
import type { Batch, CdrRecord } from "../core/records.ts";
import { absentSignature, bannerSignature } from "../core/banner.ts";
import { idRecord, valuesOf, withId, withoutId, type IdRecord } from "../core/id-record.ts";
import type { CallFact, LegFact, Policy } from "../core/model.ts";
import { callFromStart, describeLeg, legFromStart, legFromUpdate, stubCall } from "../core/transitions.ts";
import { meetingIdOf } from "../store/keys.ts";
import type { CallDoc, StateStore } from "../store/state.ts";
import { UnitOfWork } from "./unit-of-work.ts";

/** A meeting whose banner may have to change, or a call whose meeting we must ask the CMS for. */
export type WorkItem = { kind: "meeting"; meetingId: string } | { kind: "call"; nodeKey: string; callId: string };

export interface IngestResult {
  applied: number;
  duplicates: number;
  /** Work for the applier, each with the event that caused it (for the banner-change log). */
  work: Map<string, { item: WorkItem; cause: string }>;
  /** The batch stored a call of a meeting, whether or not a banner may have changed. */
  touchedMeetings: boolean;
  endedCalls: CallFact[];
  /** Legs whose callLegEnd named a leg we did not know (service/unseen-leg-ends.ts). */
  unseenLegEnds: string[];
  /** CMS told us records were thrown away: the picture may be wrong until a reconcile. */
  recordsMissing: number;
}

export function workKey(item: WorkItem): string {
  return item.kind === "meeting" ? `m:${item.meetingId}` : `c:${item.nodeKey}:${item.callId}`;
}

export async function ingestBatch(state: StateStore, batch: Batch, nodeKey: string, now: number, policy: Policy): Promise<IngestResult> {
  const uow = new UnitOfWork(state, nodeKey);
  const result: IngestResult = { applied: 0, duplicates: 0, work: new Map(), touchedMeetings: false, endedCalls: uow.endedCalls, unseenLegEnds: uow.unseenLegEnds, recordsMissing: 0 };
  const highWater = batch.session ? await state.getHighWater(batch.session) : -1;
  let newHighWater = highWater;

  // The starts, joins and leaves of the batch explain a banner change; leg updates only when
  // nothing else happened to that meeting. Kept as facts: most work is dropped below, and only
  // what is kept is put in words (causeOf).
  const asked = new Map<string, Asked>();
  const touch = (applied: Applied | undefined) => {
    if (!applied) return;
    const { call, event } = applied;
    const item: WorkItem = call.stub ? { kind: "call", nodeKey, callId: call.id } : { kind: "meeting", meetingId: meetingIdOf(call) };
    const key = workKey(item);
    const update = event.minor === true;
    let a = asked.get(key);
    if (!a) asked.set(key, (a = { item, calls: new Set(), events: [], fromUpdates: update }));
    a.calls.add(call.id);
    if (a.fromUpdates && !update) {
      a.events = [];
      a.fromUpdates = false;
    } else if (update && !a.fromUpdates) return;
    a.events.push(event);
  };

  const fresh: CdrRecord[] = [];
  for (const rec of batch.records) {
    result.recordsMissing += rec.missing;
    if (batch.session && rec.correlatorIndex <= highWater) result.duplicates++;
    else fresh.push(rec);
  }
  const { callIds, legIds } = readsOf(fresh);
  await uow.load(callIds, legIds);
  for (const rec of fresh) {
    newHighWater = Math.max(newHighWater, rec.correlatorIndex);
    result.applied++;
    const applied = applyRecord(uow, rec, nodeKey, now);
    touch(applied);
    touch(applied?.also);
  }

  await uow.flush();
  for (const [key, { item, calls, events }] of asked) {
    if (item.kind === "meeting") {
      result.touchedMeetings = true;
      if (!mayChangeBanner(uow, item.meetingId, calls, policy)) continue;
    }
    result.work.set(key, { item, cause: causeOf(events) });
  }
  if (batch.session && newHighWater > highWater) await state.putHighWater(batch.session, newHighWater);
  return result;
}

/**
 * Whether a banner run could find anything to do for a meeting after this batch: a call of it
 * joined the meeting (it must be shown the meeting's banner, whatever that is), or a call the
 * batch touched changed a fact the banner reads (core/banner.ts, bannerSignature). Otherwise the
 * run would compute the banner it computed last time for every call it would look at. Leg
 * updates, rooms joining in external mode, and rooms leaving and calls ending with no one who
 * counted are most of the CDR traffic and need no run. Work already queued or retrying for the
 * meeting is not affected.
 */
function mayChangeBanner(uow: UnitOfWork, meetingId: string, callIds: Set<string>, policy: Policy): boolean {
  for (const callId of callIds) {
    const { before, after } = uow.change(callId);
    // Never read: nothing to compare with, so the run goes ahead.
    if (before === undefined) return true;
    if (inMeeting(after, meetingId) && !inMeeting(before, meetingId)) return true;
    if (signature(before, meetingId, policy) !== signature(after, meetingId, policy)) return true;
  }
  return false;
}

function inMeeting(doc: CallDoc | null | undefined, meetingId: string): doc is CallDoc {
  return Boolean(doc && !doc.call.stub && meetingIdOf(doc.call) === meetingId);
}

function signature(doc: CallDoc | null | undefined, meetingId: string, policy: Policy): string {
  return inMeeting(doc, meetingId) ? bannerSignature([doc.call.name], valuesOf(doc.legs), policy) : absentSignature(policy);
}

/** A work item, the calls whose records asked for it, and what happened to them. */
interface Asked {
  item: WorkItem;
  calls: Set<string>;
  events: AppliedEvent[];
  /** Every event so far was a leg update. */
  fromUpdates: boolean;
}

/** What happened, as facts: put in words (causeOf) only for the work that is kept. */
type AppliedEvent =
  | { callId: string; verb: "started" | "ended" | "moved to another meeting"; leg?: undefined; reason?: undefined; minor?: undefined }
  | { leg: LegFact; verb: "joined" | "changed" | "left"; reason?: string; minor?: boolean; callId?: undefined };

function eventText(e: AppliedEvent): string {
  if (!e.leg) return `call ${e.callId} ${e.verb}`;
  return `${describeLeg(e.leg)} ${e.verb}${e.reason ? ` (${e.reason})` : ""}`;
}

/** The events in words, each once: a few named, the rest counted. */
function causeOf(events: AppliedEvent[]): string {
  const texts = [...new Set(events.map(eventText))];
  const shown = texts.slice(0, 3).join("; ");
  return texts.length > 3 ? `${shown} (+${texts.length - 3} more)` : shown;
}

interface Applied {
  call: CallFact;
  /** A second call whose meeting the record changed: the one a leg left, or a call's old meeting. */
  also?: Applied;
  /** What happened, for the log and the audit; a leg update that moved no one in or out is `minor`, named only when nothing else happened. */
  event: AppliedEvent;
}

/** The calls and legs the records name: with the calls those legs are in, all that applying them reads (UnitOfWork.load). */
function readsOf(records: CdrRecord[]): { callIds: Set<string>; legIds: Set<string> } {
  const callIds = new Set<string>();
  const legIds = new Set<string>();
  for (const rec of records) {
    if (rec.type === "callStart") callIds.add(rec.call.id);
    else if (rec.type === "callEnd") callIds.add(rec.callId);
    else if (rec.type === "callLegEnd") legIds.add(rec.legId);
    else {
      legIds.add(rec.leg.id);
      if (rec.leg.callId) callIds.add(rec.leg.callId);
    }
  }
  return { callIds, legIds };
}

/** Applies one record to the unit of work; returns the call whose meeting it changed, if any. */
function applyRecord(uow: UnitOfWork, rec: CdrRecord, nodeKey: string, now: number): Applied | undefined {
  switch (rec.type) {
    case "callStart": {
      const doc = uow.call(rec.call.id);
      const call = callFromStart(rec, nodeKey, now);
      uow.putCall({ ...doc, call, legs: doc?.legs ?? idRecord() }, doc?.call);
      const moved = doc && !doc.call.stub && meetingIdOf(doc.call) !== meetingIdOf(call);
      const also: Applied | undefined = moved ? { call: doc.call, event: { callId: call.id, verb: "moved to another meeting" } } : undefined;
      return { call, event: { callId: call.id, verb: "started" }, also };
    }
    case "callEnd": {
      const doc = uow.call(rec.callId);
      if (!doc) return undefined;
      uow.endCall(doc);
      return { call: doc.call, event: { callId: rec.callId, verb: "ended" } };
    }
    case "callLegStart": {
      const existing = findLeg(uow, rec.leg.id, rec.leg.callId);
      const leg = legFromStart(existing?.leg, rec, nodeKey, now);
      const { call, left } = placeLeg(uow, existing, leg, rec.time, now);
      return withLeft(call && { call, event: { leg, verb: "joined" } }, left, leg);
    }
    case "callLegUpdate": {
      const existing = findLeg(uow, rec.leg.id, rec.leg.callId);
      const leg = legFromUpdate(existing?.leg, rec, nodeKey, now);
      const { call, left } = placeLeg(uow, existing, leg, rec.time, now);
      const moved = existing?.callId !== leg.callId;
      return withLeft(call && { call, event: { leg, verb: moved ? "joined" : "changed", minor: !moved } }, left, leg);
    }
    case "callLegEnd": {
      const existing = findLeg(uow, rec.legId);
      if (!existing) {
        uow.unseenLegEnds.push(rec.legId);
        return undefined;
      }
      if (existing.callId) {
        const doc = uow.call(existing.callId)!;
        uow.putCall({ call: doc.call, legs: withoutId(doc.legs, rec.legId), ended: recentlyEnded(doc.ended, rec.legId, now) }, doc.call);
        uow.setLegCall(rec.legId, null);
        return { call: doc.call, event: { leg: existing.leg, verb: "left", reason: rec.reason } };
      }
      uow.setPending(rec.legId, null);
      return undefined;
    }
  }
}

/** Long enough to outlast any reconcile run that could have listed the leg before it left. */
const ENDED_MEMORY_MS = 10 * 60 * 1000;

function recentlyEnded(ended: IdRecord<number> | undefined, legId: string, now: number): IdRecord<number> {
  const kept = idRecord<number>();
  if (ended) for (const id of Object.keys(ended)) if (ended[id]! > now - ENDED_MEMORY_MS) kept[id] = ended[id]!;
  kept[legId] = now;
  return kept;
}

interface FoundLeg {
  leg: LegFact;
  callId?: string;
}

function findLeg(uow: UnitOfWork, legId: string, hintCallId?: string): FoundLeg | undefined {
  const callId = uow.legCall(legId) ?? hintCallId;
  if (callId) {
    const leg = uow.call(callId)?.legs[legId];
    if (leg) return { leg, callId };
  }
  const pending = uow.pendingLeg(legId);
  return pending ? { leg: pending } : undefined;
}

/** A leg that left one call (for another, or for no call yet) changed that call's meeting too. */
function withLeft(applied: Applied | undefined, left: CallFact | undefined, leg: LegFact): Applied | undefined {
  if (!left) return applied;
  const leaving: Applied = { call: left, event: { leg, verb: "left" } };
  return applied ? { ...applied, also: leaving } : leaving;
}

/**
 * Puts a leg where it now belongs: in its call's document, or pending while its call is unknown.
 * Answers the call it is in now, and the call it left, if it left one.
 */
function placeLeg(
  uow: UnitOfWork,
  was: FoundLeg | undefined,
  leg: LegFact,
  time: string,
  now: number,
): { call?: CallFact; left?: CallFact } {
  let left: CallFact | undefined;
  if (was?.callId && was.callId !== leg.callId) {
    const old = uow.call(was.callId)!;
    uow.putCall({ ...old, legs: withoutId(old.legs, leg.id) }, old.call);
    left = old.call;
  }
  if (!leg.callId) {
    if (was?.callId) uow.setLegCall(leg.id, null);
    uow.setPending(leg.id, leg);
    return { left };
  }
  if (was && !was.callId) uow.setPending(leg.id, null);
  if (was?.callId !== leg.callId) uow.setLegCall(leg.id, leg.callId);
  const doc = uow.call(leg.callId);
  const call = doc?.call ?? stubCall(leg.callId, leg.nodeKey, time, now);
  uow.putCall({ ...doc, call, legs: withId(doc?.legs, leg.id, leg) }, doc?.call);
  return { call, left };
}
