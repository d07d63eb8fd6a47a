/**
 * A bound on concurrent requests per CMS node. Cisco warns that API latency grows with
 * outstanding requests (DOMAIN §6.8), and a reconcile of many calls must not starve the banner
 * writes, so every method shares one FIFO queue per node: first come, first served.
 */

export interface Limiter {
  /** Runs `task` once a slot for `key` is free; the slot is released however `task` ends. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

interface Slots {
  busy: number;
  waiting: Array<() => void>;
}

export function createLimiter(maxInFlight: number): Limiter {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const byKey = new Map<string, Slots>();

  function acquire(key: string): Promise<void> {
    let slots = byKey.get(key);
    if (slots === undefined) {
      slots = { busy: 0, waiting: [] };
      byKey.set(key, slots);
    }
    if (slots.busy < maxInFlight) {
      slots.busy++;
      return Promise.resolve();
    }
    const queue = slots.waiting;
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  function release(key: string): void {
    const slots = byKey.get(key);
    if (slots === undefined) return;
    const next = slots.waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
    if (next !== undefined) next();
    else if (--slots.busy === 0) byKey.delete(key);
  }

  return {
    async run(key, task) {
      await acquire(key);
      try {
        return await task();
      } finally {
        release(key);
      }
    },
  };
}
