/**
 * Leases from the state Durable Object (worker-store.ts), as a KeyedMutex for one request's
 * service: they play the part Redis leases play on Node (redis.ts), ordering the rewrites of one
 * key (a node's record stream, a meeting) across requests and isolates. No Workers types here, so
 * the lease cases can be named from Node and run inside workerd.
 */
import { createKeyedMutex, type KeyedMutex } from "../service/keyed-mutex.ts";
import { StoreError } from "../store/state.ts";

export interface LeaseRpc {
  /** Grants `name` to `token` for `ms` when free, expired or already this token's (a renewal). */
  acquireLease(name: string, token: string, ms: number): Promise<boolean>;
  releaseLease(name: string, token: string): Promise<void>;
}

/**
 * A KeyedMutex over the object's leases. A lease not granted within
 * `waitMs` is a StoreError, so a CDR batch gets 503 and CMS sends it again rather than have it
 * applied out of order.
 */
export function durableObjectLeases(stub: () => LeaseRpc, opts: { leaseMs?: number; waitMs?: number } = {}): KeyedMutex {
  const leaseMs = opts.leaseMs ?? 10_000;
  const waitMs = opts.waitMs ?? 5_000;
  const local = createKeyedMutex();
  const acquire = async (name: string, token: string) => {
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      if (await stub().acquireLease(name, token, leaseMs)) return;
      if (Date.now() > deadline) throw new StoreError(`lease ${name} not granted within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  };
  return {
    run<T>(name: string, task: () => Promise<T>): Promise<T> {
      return local.run(name, async () => {
        const token = crypto.randomUUID();
        try {
          await acquire(name, token);
        } catch (err) {
          throw err instanceof StoreError ? err : new StoreError(`lease ${name}: ${(err as Error).message}`, { cause: err });
        }
        const renew = setInterval(() => void stub().acquireLease(name, token, leaseMs).catch(() => undefined), leaseMs / 3);
        try {
          return await task();
        } finally {
          clearInterval(renew);
          await stub().releaseLease(name, token).catch(() => undefined);
        }
      });
    },
  };
}
