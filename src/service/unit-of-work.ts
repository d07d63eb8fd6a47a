/**
 * The documents one batch touches, read once and written once. A batch of ten records about one
 * call then costs one read and one write of that call instead of ten of each, and the store never
 * sees a half-applied record: everything is written together in `flush`.
 */
import type { CallFact, LegFact } from "../core/model.ts";
import { meetingIdOf } from "../store/keys.ts";
import type { CallDoc, StateStore } from "../store/state.ts";

export class UnitOfWork {
  private calls = new Map<string, CallDoc | null>();
  /** Each call document as the store had it before this batch (null: none). */
  private originals = new Map<string, CallDoc | null>();
  private legCalls = new Map<string, string | null>();
  private pending = new Map<string, LegFact | null>();
  private dirtyCalls = new Set<string>();
  private dirtyLegCalls = new Set<string>();
  private dirtyPending = new Set<string>();
  private meetingAdds: CallFact[] = [];
  private meetingRemoves: CallFact[] = [];
  /** Calls that ended in this batch, so their applied-banner records can go too. */
  readonly endedCalls: CallFact[] = [];
  /** Legs whose callLegEnd came in this batch while we knew nothing of them (unseen-leg-ends.ts). */
  readonly unseenLegEnds: string[] = [];

  constructor(
    private state: StateStore,
    readonly nodeKey: string,
  ) {}

  async call(callId: string): Promise<CallDoc | undefined> {
    if (!this.calls.has(callId)) {
      const doc = (await this.state.getCall(this.nodeKey, callId)) ?? null;
      this.calls.set(callId, doc);
      this.originals.set(callId, doc);
    }
    return this.calls.get(callId) ?? undefined;
  }

  /** The call before and after this batch; `before` is undefined when the batch never read it. */
  change(callId: string): { before: CallDoc | null | undefined; after: CallDoc | null } {
    return { before: this.originals.get(callId), after: this.calls.get(callId) ?? null };
  }

  putCall(doc: CallDoc, previous?: CallFact) {
    this.calls.set(doc.call.id, doc);
    this.dirtyCalls.add(doc.call.id);
    if (!doc.call.stub && (!previous || previous.stub || meetingIdOf(previous) !== meetingIdOf(doc.call))) {
      if (previous && !previous.stub) this.meetingRemoves.push(previous);
      this.meetingAdds.push(doc.call);
    }
  }

  endCall(doc: CallDoc) {
    for (const legId of Object.keys(doc.legs)) this.setLegCall(legId, null);
    this.calls.set(doc.call.id, null);
    this.dirtyCalls.add(doc.call.id);
    if (!doc.call.stub) this.meetingRemoves.push(doc.call);
    this.endedCalls.push(doc.call);
  }

  async legCall(legId: string): Promise<string | undefined> {
    if (!this.legCalls.has(legId)) this.legCalls.set(legId, (await this.state.getLegCall(this.nodeKey, legId)) ?? null);
    return this.legCalls.get(legId) ?? undefined;
  }

  setLegCall(legId: string, callId: string | null) {
    this.legCalls.set(legId, callId);
    this.dirtyLegCalls.add(legId);
  }

  async pendingLeg(legId: string): Promise<LegFact | undefined> {
    if (!this.pending.has(legId)) this.pending.set(legId, (await this.state.getPending(this.nodeKey, legId)) ?? null);
    return this.pending.get(legId) ?? undefined;
  }

  setPending(legId: string, leg: LegFact | null) {
    this.pending.set(legId, leg);
    this.dirtyPending.add(legId);
  }

  /**
   * Legs first, call documents next, meeting lists last: a crash between the steps leaves
   * pointers to documents that are still being written, never documents nobody can find.
   */
  async flush() {
    const s = this.state;
    const k = this.nodeKey;
    await Promise.all([
      ...[...this.dirtyPending].map((id) => {
        const leg = this.pending.get(id);
        return leg ? s.putPending(leg) : s.deletePending(k, id);
      }),
      ...[...this.dirtyLegCalls].map((id) => {
        const callId = this.legCalls.get(id);
        return callId ? s.putLegCall(k, id, callId) : s.deleteLegCall(k, id);
      }),
    ]);
    await Promise.all(
      [...this.dirtyCalls].map((id) => {
        const doc = this.calls.get(id);
        return doc ? s.putCall(doc) : s.deleteCall(k, id);
      }),
    );
    for (const call of this.meetingRemoves) await s.removeMeetingCall(call);
    for (const call of this.meetingAdds) if (this.calls.get(call.id)) await s.addMeetingCall(call);
  }
}
