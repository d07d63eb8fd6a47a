/**
 * What one key costs on the fs store, apart from the service: the atomic-fs driver alone writing
 * call-document-sized values into a fresh directory, replacing them, and removing them, four at a
 * time (libuv's thread pool). With the service's store calls per record, this gives the ceiling
 * the fs store can reach on this disk however fast the rest becomes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStorage } from "unstorage";
import { atomicFsDriver } from "../../src/runtime/fs-driver.ts";

export interface FsProbe {
  /** CPU (user + system, thread pool included) per operation, µs. */
  writeUs: number;
  replaceUs: number;
  readUs: number;
  removeUs: number;
}

const KEYS = 800;
const PARALLEL = 4;

export async function probeFs(): Promise<FsProbe> {
  const dir = await mkdtemp(join(tmpdir(), "cms-notify-fsprobe-"));
  const storage = createStorage({ driver: atomicFsDriver({ base: dir }) });
  const value = { doc: "x".repeat(1500) };
  const keys = Array.from({ length: KEYS }, (_, i) => `call:cb-1:${String(i).padStart(36, "0")}`);
  const each = async (op: (key: string) => Promise<unknown>) => {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: PARALLEL }, async (_, k) => {
      for (let i = k; i < KEYS; i += PARALLEL) await op(keys[i]!);
    }));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / KEYS;
  };
  try {
    return {
      writeUs: await each((k) => storage.setItem(k, value)),
      replaceUs: await each((k) => storage.setItem(k, value)),
      readUs: await each((k) => storage.getItem(k)),
      removeUs: await each((k) => storage.removeItem(k)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
