/**
 * Redis for several instances sharing one truth: the unstorage redis driver for state, and — the
 * one place that uses the driver's client directly — per-key leases that order writes across
 * instances, because unstorage's interface has no atomic operation to build them from.
 *
 * A lease is `SET lock:<key> <token> NX PX <ttl>`, renewed while its holder works and released
 * only by its holder (compare-and-delete in Lua). A holder that dies (SIGKILL) blocks that key for
 * at most the ttl. A lease not granted in time is a StoreError, so a CDR batch gets 503 and CMS
 * sends it again rather than being applied out of order.
 */
import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import { createStorage, type Storage } from "unstorage";
import redisDriver from "unstorage/drivers/redis";
import { createKeyedMutex, type KeyedMutex } from "../service/keyed-mutex.ts";
import { StoreError } from "../store/state.ts";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisStore {
  storage: Storage;
  locks: KeyedMutex;
  /** Resolves once connected, or after `ms` (the service then starts not ready and says why). */
  ready(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function createRedisStore(url: string, opts: { prefix?: string; leaseMs?: number; waitMs?: number } = {}): RedisStore {
  const prefix = opts.prefix ?? "cms-notify";
  const driver = redisDriver({
    url,
    base: prefix,
    // Fail fast while Redis is away: a queued command would hold the CDR answer hostage, and a
    // 503 now is what lets CMS keep the batch and send it again later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    lazyConnect: false,
  });
  const client = driver.getInstance!() as Redis;
  client.on("error", () => {
    // Connection errors surface as failed commands (StoreError → 503, /readyz); the event itself
    // would otherwise crash the process as an unhandled 'error'.
  });
  // SCAN, which the driver lists keys with, may give a key more than once (Redis documents it:
  // it happens when the keyspace grows while it runs). Every listing here counts or reads what it
  // lists (audit entries, calls for the reconciler), so each key comes back once.
  const listKeys = driver.getKeys.bind(driver);
  driver.getKeys = async (base, opts) => [...new Set(await listKeys(base, opts))];
  return {
    storage: createStorage({ driver }),
    locks: createLeases(client, `${prefix}:lock:`, opts.leaseMs ?? 10_000, opts.waitMs ?? 5_000),
    ready: (ms) =>
      client.status === "ready"
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const t = setTimeout(resolve, ms);
            client.once("ready", () => {
              clearTimeout(t);
              resolve();
            });
          }),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

function createLeases(client: Redis, prefix: string, leaseMs: number, waitMs: number): KeyedMutex {
  // Within one process the queue orders waiters; Redis orders the processes.
  const local = createKeyedMutex();
  const acquire = async (key: string, token: string) => {
    const deadline = Date.now() + waitMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if ((await client.set(key, token, "PX", leaseMs, "NX")) === "OK") return;
      if (Date.now() > deadline) throw new StoreError(`lease ${key} not granted within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  };
  return {
    run<T>(name: string, task: () => Promise<T>): Promise<T> {
      return local.run(name, async () => {
        const key = prefix + name;
        const token = randomUUID();
        try {
          await acquire(key, token);
        } catch (err) {
          // A SET that timed out may still run once Redis answers again; this release follows it
          // on the same connection, so no orphan lease outlives the failure.
          void client.eval(RELEASE, 1, key, token).catch(() => undefined);
          throw err instanceof StoreError ? err : new StoreError(`lease ${key}: ${(err as Error).message}`, { cause: err });
        }
        const renew = setInterval(() => void client.eval(RENEW, 1, key, token, String(leaseMs)).catch(() => undefined), leaseMs / 3);
        try {
          return await task();
        } finally {
          clearInterval(renew);
          await client.eval(RELEASE, 1, key, token).catch(() => undefined);
        }
      });
    },
  };
}
