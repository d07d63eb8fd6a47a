/**
 * A service built in this process, as the runtime entries build it, over a simulated cluster on
 * loopback: for tests that need to reach inside (the applier's idle state, two services sharing
 * one store, the store's own calls) rather than only what HTTP shows.
 */
import { createStorage, type Storage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig } from "../../src/config.ts";
import type { BannerChange } from "../../src/core/model.ts";
import { createApp } from "../../src/http/app.ts";
import type { KeyedMutex } from "../../src/service/keyed-mutex.ts";
import { createLogger } from "../../src/service/log.ts";
import { createService, type Service } from "../../src/service/service.ts";
import type { ServedCluster } from "../helpers/sim-cluster.ts";

export interface InProcess {
  service: Service;
  changes: BannerChange[];
  /** POSTs a CDR body to the app, as CMS would; returns the status. */
  post(path: string, body: string): Promise<number>;
  stop(): Promise<void>;
}

export function serviceOn(
  sim: ServedCluster,
  opts: { storage?: Storage; locks?: KeyedMutex; bannerWindowMs?: number; env?: Record<string, string> } = {},
): InProcess {
  const loaded = loadConfig({ ...sim.env, STORAGE: "memory", RECONCILE_INTERVAL_S: "0", ...opts.env });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const changes: BannerChange[] = [];
  const service = createService({
    config: loaded.config,
    storage: opts.storage ?? createStorage({ driver: memoryDriver() }),
    locks: opts.locks,
    bannerWindowMs: opts.bannerWindowMs,
    log: createLogger({ level: "error", write: () => {}, now: Date.now }),
    onBannerChange: (c) => changes.push(c),
  });
  const app = createApp(service);
  return {
    service,
    changes,
    post: async (path, body) => (await app.fetch(new Request(`http://service${path}`, { method: "POST", body, headers: { "content-type": "text/xml" } }))).status,
    stop: () => service.stop(),
  };
}

/** Counts the Storage calls that read one key, by wrapping the real Storage's methods. */
export function countReadsOf(storage: Storage, key: string): () => number {
  let n = 0;
  const s = storage as unknown as Record<"getItem" | "getItems", (...args: unknown[]) => Promise<unknown>>;
  const getItem = s.getItem.bind(storage);
  const getItems = s.getItems.bind(storage);
  s.getItem = (k, ...rest) => {
    if (k === key) n++;
    return getItem(k, ...rest);
  };
  s.getItems = (ks, ...rest) => {
    if ((ks as (string | { key: string })[]).some((k) => (typeof k === "string" ? k : k.key) === key)) n++;
    return getItems(ks, ...rest);
  };
  return () => n;
}
