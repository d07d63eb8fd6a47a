/**
 * A bound on concurrent requests per CMS node. Cisco warns that API latency grows with
 * outstanding requests (DOMAIN §6.8), so every method shares one bound per node. Waiters are
 * served first come, first served, except that writes go before reads: a banner write is what
 * the reads are for, and a reconcile queues hundreds of reads per node at once, which would
 * otherwise hold every banner back until the last of them was answered. The pages of a
 * reconcile's call list go ahead too (transport.ts, `ahead`): each page feeds reads of its own.
 */

export interface Limiter {
  /**
   * Runs `task` once a slot for `key` is free; the slot is released however `task` ends.
   * `first`: ahead of every waiter not so marked (and behind those that are).
   */
  run<T>(key: string, task: () => Promise<T>, first?: boolean): Promise<T>;
}

interface Slots {
  busy: number;
  /** Waiters marked `first`, then the rest, each in the order they asked. */
  ahead: Array<() => void>;
  waiting: Array<() => void>;
}

export function createLimiter(maxInFlight: number): Limiter {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const byKey = new Map<string, Slots>();

  function acquire(key: string, first: boolean): Promise<void> {
    let slots = byKey.get(key);
    if (slots === undefined) {
      slots = { busy: 0, ahead: [], waiting: [] };
      byKey.set(key, slots);
    }
    if (slots.busy < maxInFlight) {
      slots.busy++;
      return Promise.resolve();
    }
    const queue = first ? slots.ahead : slots.waiting;
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  function release(key: string): void {
    const slots = byKey.get(key);
    if (slots === undefined) return;
    const next = slots.ahead.shift() ?? slots.waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
    if (next !== undefined) next();
    else if (--slots.busy === 0) byKey.delete(key);
  }

  return {
    async run(key, task, first = false) {
      await acquire(key, first);
      try {
        return await task();
      } finally {
        release(key);
      }
    },
  };
}
