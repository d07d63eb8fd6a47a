/**
 * In-process notifications for the console's live view: a banner changed, a CDR batch was
 * stored, a reconcile ran. Listeners are called synchronously and must not throw into the
 * service: a broken console connection is its own problem. Per instance (per isolate on
 * Workers); the console also refreshes on a timer, so changes made elsewhere still show up.
 */
export type ServiceEvent =
  | { type: "banner"; meetingId: string; node: string; at: number }
  | { type: "batch"; node: string; records: number; at: number }
  | { type: "reconcile"; at: number };

export function createEventHub() {
  const listeners = new Set<(e: ServiceEvent) => void>();
  return {
    publish(e: ServiceEvent) {
      for (const listener of listeners) {
        try {
          listener(e);
        } catch {
          // A listener's failure is the listener's to report; the service goes on.
        }
      }
    },
    subscribe(listener: (e: ServiceEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
