/**
 * A meeting as the policy sees it: every call instance sharing a callCorrelator, on every node,
 * with all their legs — and the banner the policy wants for it.
 */
import { decideBanner } from "../core/banner.ts";
import { filterPushed } from "../core/pushed.ts";
import type { LegFact, Policy } from "../core/model.ts";
import { meetingIdOf } from "../store/keys.ts";
import type { CallDoc, StateStore } from "../store/state.ts";

export interface Meeting {
  id: string;
  calls: CallDoc[];
  decision: ReturnType<typeof decideBanner>;
}

export function decideMeeting(id: string, calls: CallDoc[], policy: Policy): Meeting {
  // Pushed, not made by map and flatMap (core/pushed.ts).
  const names: string[] = [];
  const legs: LegFact[] = [];
  for (const c of calls) {
    names.push(c.call.name);
    for (const legId of Object.keys(c.legs)) legs.push(c.legs[legId]!);
  }
  return { id, calls, decision: decideBanner({ names, legs }, policy) };
}

export async function loadMeeting(state: StateStore, meetingId: string, nodeKeys: string[], policy: Policy): Promise<Meeting> {
  const refs = await state.meetingCalls(meetingId, nodeKeys);
  const docs = await state.getCalls(refs);
  // A list entry can outlive its document by a crash between two writes; the document decides.
  const calls = filterPushed(docs, (d): d is CallDoc => Boolean(d && !d.call.stub && meetingIdOf(d.call) === meetingId));
  return decideMeeting(meetingId, calls, policy);
}

/** Every live meeting; reads every call document, so it serves the status view and the reconciler only. */
export async function allMeetings(state: StateStore, policy: Policy): Promise<Meeting[]> {
  const byMeeting = new Map<string, CallDoc[]>();
  for (const doc of await state.allCalls()) {
    if (doc.call.stub) continue;
    const id = meetingIdOf(doc.call);
    byMeeting.set(id, [...(byMeeting.get(id) ?? []), doc]);
  }
  return [...byMeeting].map(([id, calls]) => decideMeeting(id, calls, policy));
}
