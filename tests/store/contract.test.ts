/**
 * The store contract (contract.ts) on the Node back ends: memory, the fs store, and Redis. Deno KV
 * runs it under `deno test` (tests/deno/), the Durable Object and KV inside workerd
 * (contract-workerd.test.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createStorage, type Storage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { fsJournalDriver } from "../../src/runtime/fs-journal-driver.ts";
import { createRedisStore } from "../../src/runtime/redis.ts";
import { redisMissing, startPrivateRedis, type PrivateRedis } from "../helpers/redis.ts";
import { eventually } from "../helpers/wait.ts";
import { stateCases, storeContract } from "./contract.ts";

interface Backend {
  name: string;
  skip?: string;
  /** A fresh, empty store, and how to let go of it. */
  fresh(): Promise<{ storage: Storage; dispose(): Promise<void> }>;
}

let privateRedis: PrivateRedis | undefined;
const redisSkip = redisMissing("url");
before(async () => {
  if (!redisSkip && !process.env.REDIS_URL) privateRedis = await startPrivateRedis();
});
after(async () => {
  await privateRedis?.stop();
});

const backends: Backend[] = [
  {
    name: "memory",
    fresh: async () => ({ storage: createStorage({ driver: memoryDriver() }), dispose: async () => {} }),
  },
  {
    name: "fs",
    async fresh() {
      const dir = await mkdtemp(join(tmpdir(), "cms-notify-contract-"));
      const storage = createStorage({ driver: fsJournalDriver({ base: dir }) });
      return {
        storage,
        dispose: async () => {
          await storage.dispose();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "redis",
    skip: redisSkip,
    async fresh() {
      // A prefix of its own: the shared REDIS_URL also serves other tests running alongside.
      const store = createRedisStore(process.env.REDIS_URL ?? privateRedis!.url(), { prefix: `contract-${crypto.randomUUID()}` });
      // Commands fail fast until the client has connected (no offline queue, by design).
      await eventually(() => store.storage.getItem("probe").then(() => true), { what: "Redis to connect" });
      return {
        storage: store.storage,
        dispose: async () => {
          await store.storage.clear();
          await store.close();
        },
      };
    },
  },
];

for (const backend of backends) {
  for (const c of storeContract) {
    test(`${backend.name}: ${c.name}`, { skip: backend.skip }, async () => {
      const { storage, dispose } = await backend.fresh();
      try {
        await c.run(storage);
      } finally {
        await dispose();
      }
    });
  }
}

// The StateStore once more on the stores a process writes alone, reading from its copy (mirror.ts).
for (const backend of backends.filter((b) => b.name !== "redis")) {
  for (const c of stateCases) {
    test(`${backend.name}, with the sole writer's copy: ${c.name}`, async () => {
      const { storage, dispose } = await backend.fresh();
      try {
        await c.run(storage, { soleWriter: true });
      } finally {
        await dispose();
      }
    });
  }
}
