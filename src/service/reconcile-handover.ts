/**
 * When a meeting a reconcile reads may go to the applier: once every node's list of calls is
 * complete and every call those lists show for the meeting has been read, and not before. A
 * meeting decided on part of its calls could get a banner that the rest then changes, and a call
 * that ended unseen is only dropped once its node's whole list is in.
 *
 * Calls are read while the lists are still coming in, page by page, so both counts grow until
 * `complete` says the lists are done (or failed); from then on a meeting goes as soon as its last
 * listed call is read.
 */
export type Handover = ReturnType<typeof createHandover>;

/** `hand` sends a meeting to the applier and says whether it did (a meeting none of whose calls could be stored is not sent). */
export function createHandover(hand: (meetingId: string) => boolean) {
  const listed = new Map<string, number>();
  const read = new Map<string, number>();
  const handed = new Set<string>();
  let complete = false;

  const tryHand = (meetingId: string) => {
    if (!complete || handed.has(meetingId)) return;
    if ((read.get(meetingId) ?? 0) < (listed.get(meetingId) ?? 0)) return;
    if (hand(meetingId)) handed.add(meetingId);
  };

  return {
    /** A node listed a call of this meeting. */
    listed(meetingId: string) {
      listed.set(meetingId, (listed.get(meetingId) ?? 0) + 1);
    },
    /** A listed call of this meeting was read (stored, or skipped). */
    read(meetingId: string) {
      read.set(meetingId, (read.get(meetingId) ?? 0) + 1);
      tryHand(meetingId);
    },
    /** Every node's list is in, or failed: meetings whose listed calls are all read go now. */
    complete() {
      complete = true;
      for (const meetingId of read.keys()) tryHand(meetingId);
    },
    handed: (meetingId: string) => handed.has(meetingId),
  };
}
