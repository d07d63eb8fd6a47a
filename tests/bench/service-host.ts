/**
 * The service under test, in a process of its own: built the way src/runtime/node.ts builds it
 * (the same drivers, the undici dispatcher that trusts CMS_CA_FILE, @hono/node-server), plus an
 * IPC channel through which the bench asks for what HTTP does not show: heap and RSS after a full
 * GC, the size of every stored key, an applier that has gone idle. Run with --expose-gc.
 *
 * A process of its own so that the figures are the service's alone: on two cores the load
 * generator and the simulator run on the other one, and neither their CPU nor their heap is
 * counted against the budget.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createStorage, type Storage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig } from "../../src/config.ts";
import { createApp } from "../../src/http/app.ts";
import type { KeyedMutex } from "../../src/service/keyed-mutex.ts";
import { createLogger } from "../../src/service/log.ts";
import { createService } from "../../src/service/service.ts";
import { openFsStore } from "../../src/runtime/fs-journal-driver.ts";
import { cmsTransport } from "../../src/runtime/node-settings.ts";
import { createRedisStore } from "../../src/runtime/redis.ts";
import { answerRequests, processCpuMs, type HostRequest, type StoreSizes } from "./host-protocol.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) throw new Error(`bench host: ${loaded.errors.join("; ")}`);
const config = loaded.config;

function storeFor(): { storage: Storage; locks?: KeyedMutex; close?: () => Promise<void> } {
  const spec = config.storage;
  if (spec.kind === "memory") return { storage: createStorage({ driver: memoryDriver() }) };
  if (spec.kind === "fs") return openFsStore(spec.dir);
  if (spec.kind === "redis") return createRedisStore(spec.url, { prefix: process.env.BENCH_REDIS_PREFIX });
  throw new Error(`bench host: STORAGE ${spec.kind} is not benchmarked`);
}

const store = storeFor();
const storeOps = countOperations(store.storage);
// Logs go where node.ts sends them (stdout); the bench points that at /dev/null.
const log = createLogger({ level: config.logLevel, write: (line) => process.stdout.write(`${line}\n`), now: Date.now });
const service = createService({ config, storage: store.storage, locks: store.locks, log, cmsTransport: cmsTransport(config) });
const server = serve({ fetch: createApp(service).fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
  void untilReady().then(() => process.send!({ type: "listening", port: info.port }));
});

/** As an orchestrator would (/readyz): Redis connects in the background, and work sent before then gets 503. */
async function untilReady() {
  for (let i = 0; i < 200 && !(await service.readiness()).ready; i++) await new Promise((r) => setTimeout(r, 50));
}

const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
  if (!gc) throw new Error("bench host needs --expose-gc");
  // Twice: the first pass may only queue finalisers that free more on the second.
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** The key prefixes of src/store/keys.ts, by the names the report prints. */
const KEY_CLASSES: Record<string, string> = { c: "call", l: "legcall", p: "pending", m: "mcalls", k: "nodekeys", b: "applied", h: "hwm", n: "alias" };

/** Key name plus value as stored (unstorage keeps JSON text), summed per key class. */
async function storeSizes(): Promise<StoreSizes> {
  const keys = await store.storage.getKeys();
  const items: { key: string; value: unknown }[] = [];
  // In slices, as state.ts reads listings: one read stays bounded however many keys there are.
  for (let i = 0; i < keys.length; i += 500) items.push(...(await store.storage.getItems(keys.slice(i, i + 500))));
  const byClass: StoreSizes["byClass"] = {};
  let bytes = 0;
  for (const { key, value } of items) {
    const size = Buffer.byteLength(key) + Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value));
    const cls = key.startsWith("audit:") ? "audit" : (KEY_CLASSES[key.split(":")[0]!] ?? key.split(":")[0]!);
    const entry = (byClass[cls] ??= { keys: 0, bytes: 0 });
    entry.keys++;
    entry.bytes += size;
    bytes += size;
  }
  return { keys: keys.length, bytes, byClass };
}

/**
 * Counts what the service asks of its store, per method, so a phase can be put per record. Counted
 * at the driver, which every call reaches whether it went through unstorage's Storage or straight
 * (store/driver-access.ts); a driver without getItems is asked getItem once per key.
 */
function countOperations(storage: Storage): Record<string, number> {
  const counts: Record<string, number> = {};
  const target = storage.getMount("").driver as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
  for (const method of ["getItem", "getItems", "setItem", "setItems", "removeItem", "getKeys"]) {
    const original = target[method]?.bind(target);
    if (!original) continue;
    counts[method] = 0;
    target[method] = (...args: unknown[]) => {
      counts[method]!++;
      return original(...args);
    };
  }
  return counts;
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.cmd) {
    case "reconcile":
      return service.reconcile(req.reason);
    case "idle":
      await service.applier.idle();
      return service.applier.status();
    case "memory":
      return memory();
    case "ops":
      return { ...storeOps };
    case "cpu":
      return processCpuMs();
    case "store":
      return storeSizes();
    case "stop":
      await service.stop();
      server.close();
      if (process.env.BENCH_CLEAR_STORE === "1") await store.storage.clear();
      await store.close?.();
      // A normal exit, so that --cpu-prof writes its profile.
      setImmediate(() => process.exit(0));
      return null;
  }
}

answerRequests(handle);
