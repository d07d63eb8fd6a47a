/**
 * The stores the bench runs against: memory, fs (the atomic driver on a fresh temp directory) and
 * Redis — REDIS_URL when set, else a private redis-server on a free port when one is installed.
 * Each `open()` gives a store nobody else uses; `done()` removes what the bench left behind.
 */
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPrivateRedis, type PrivateRedis } from "../helpers/redis.ts";

export type StoreName = "memory" | "fs" | "redis";

export interface StoreCase {
  name: StoreName;
  /** Settings for the service host: STORAGE and friends. */
  open(): Promise<{ settings: Record<string, string>; close(): Promise<void> }>;
}

export interface Stores {
  cases: StoreCase[];
  /** Why a store is missing from `cases`, for the table. */
  skipped: { name: StoreName; why: string }[];
  done(): Promise<void>;
}

const memory: StoreCase = { name: "memory", open: async () => ({ settings: { STORAGE: "memory" }, close: async () => {} }) };

const fs: StoreCase = {
  name: "fs",
  async open() {
    const dir = await mkdtemp(join(tmpdir(), "cms-notify-bench-"));
    return { settings: { STORAGE: `fs:${dir}` }, close: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** Keys under a prefix of their own, cleared by the host when it stops: a shared Redis keeps nothing of ours. */
function redisAt(url: string): StoreCase {
  return {
    name: "redis",
    open: async () => ({
      settings: { STORAGE: url, BENCH_REDIS_PREFIX: `cms-notify-bench-${randomUUID().slice(0, 8)}`, BENCH_CLEAR_STORE: "1" },
      close: async () => {},
    }),
  };
}

export async function benchStores(only?: StoreName[]): Promise<Stores> {
  const wanted = (name: StoreName) => !only || only.includes(name);
  const cases: StoreCase[] = [memory, fs].filter((c) => wanted(c.name));
  const skipped: Stores["skipped"] = [];
  let privateRedis: PrivateRedis | undefined;
  if (wanted("redis")) {
    if (process.env.REDIS_URL) cases.push(redisAt(process.env.REDIS_URL));
    else if (spawnSync("redis-server", ["--version"]).status === 0) {
      privateRedis = await startPrivateRedis();
      cases.push(redisAt(privateRedis.url()));
    } else skipped.push({ name: "redis", why: "no REDIS_URL and no redis-server on PATH" });
  }
  return { cases, skipped, done: async () => privateRedis?.stop() };
}
