/**
 * The documents one batch touches, read once and written once. A batch of ten records about one
 * call then costs one read and one write of that call instead of ten of each, and the store never
 * sees a half-applied record: everything is written together in `flush`.
 *
 * Everything a batch may read is read first, together (`load`), so that its records are then
 * applied without waiting: one read of each kind per batch (one round trip each on Redis), where
 * reading as each record asked cost a chain of awaits per record. What a record may read is known
 * from the records: the calls they name, and the calls their legs are in now (ingest.ts, readsOf).
 */
import type { CallFact, LegFact } from "../core/model.ts";
import { meetingIdOf } from "../store/keys.ts";
import type { CallDoc, StateStore } from "../store/state.ts";

/** A read the batch did not load first: a bug in what ingest.ts asked `load` for, never bad input. */
export class UnloadedReadError extends Error {
  override name = "UnloadedReadError";
}

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

  /**
   * Reads the calls named, the calls the legs named are in, and the waiting entries of the legs no
   * call holds: every read the batch's records can make, since a leg is in a call a record names
   * or in the one the store says (and a record that moves it names the call it moves to).
   */
  async load(callIds: ReadonlySet<string>, legIds: ReadonlySet<string>) {
    const legs = [...legIds];
    const legCalls = await this.state.getLegCalls(this.nodeKey, legs);
    const wanted = new Set(callIds);
    legs.forEach((legId, i) => {
      const callId = legCalls[i];
      this.legCalls.set(legId, callId ?? null);
      if (callId) wanted.add(callId);
    });
    const calls = [...wanted];
    const docs = await this.state.getCalls(calls.map((callId) => ({ nodeKey: this.nodeKey, callId })));
    calls.forEach((callId, i) => {
      this.calls.set(callId, docs[i] ?? null);
      this.originals.set(callId, docs[i] ?? null);
    });
    // A leg its call's document holds is not waiting (placeLeg never keeps both), and is found
    // there first: only the others can need their waiting entry.
    const unplaced: string[] = [];
    legs.forEach((legId, i) => {
      const callId = legCalls[i];
      if (callId === undefined || this.calls.get(callId)?.legs[legId] === undefined) unplaced.push(legId);
    });
    const waiting = await this.state.getPendings(this.nodeKey, unplaced);
    for (const legId of legs) this.pending.set(legId, null);
    unplaced.forEach((legId, i) => this.pending.set(legId, waiting[i] ?? null));
  }

  call(callId: string): CallDoc | undefined {
    return loaded(this.calls, callId, "call");
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

  legCall(legId: string): string | undefined {
    return loaded(this.legCalls, legId, "leg");
  }

  setLegCall(legId: string, callId: string | null) {
    this.legCalls.set(legId, callId);
    this.dirtyLegCalls.add(legId);
  }

  pendingLeg(legId: string): LegFact | undefined {
    return loaded(this.pending, legId, "waiting leg");
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

function loaded<T>(read: Map<string, T | null>, id: string, what: string): T | undefined {
  const value = read.get(id);
  if (value === undefined) throw new UnloadedReadError(`${what} ${id} was not loaded before the batch was applied`);
  return value ?? undefined;
}
