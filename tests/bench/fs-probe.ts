/**
 * What one key costs on the fs store, apart from the service: the journal driver alone writing
 * call-document-sized values into a fresh directory, replacing them, reading and removing them,
 * from four writers that each wait for their last write (so appends carry about four writes, as
 * when two nodes' batches and the banner runs overlap). With the service's store calls per record,
 * this gives the ceiling the fs store can reach on this disk however fast the rest becomes.
 * Writes are measured twice: as configured (no fdatasync) and with an fdatasync per append.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFsStore } from "../../src/runtime/fs-journal-driver.ts";

export interface FsProbe {
  /** CPU (user + system, thread pool included) per operation, µs. */
  writeUs: number;
  replaceUs: number;
  readUs: number;
  removeUs: number;
  /** Replacing with `sync: true`: CPU per write, and wall-clock time per append. */
  syncReplaceUs: number;
  syncAppendMs: number;
  /** Writes per append, from the writers' overlap. */
  writesPerAppend: number;
}

const KEYS = 800;
const PARALLEL = 4;

export async function probeFs(): Promise<FsProbe> {
  const plain = await measure(false);
  const synced = await measure(true);
  return { ...plain.figures, syncReplaceUs: synced.figures.replaceUs, syncAppendMs: synced.msPerAppend, writesPerAppend: plain.writesPerAppend };
}

async function measure(sync: boolean) {
  const dir = await mkdtemp(join(tmpdir(), "cms-notify-fsprobe-"));
  let appends = 0;
  const store = openFsStore(dir, { sync, observe: { append: () => appends++ } });
  await store.ready();
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
    const writeUs = await each((k) => store.storage.setItem(k, value));
    const appendsBefore = appends;
    const t0 = performance.now();
    const replaceUs = await each((k) => store.storage.setItem(k, value));
    const replaceAppends = appends - appendsBefore;
    const msPerAppend = (performance.now() - t0) / replaceAppends;
    const readUs = await each((k) => store.storage.getItem(k));
    const removeUs = await each((k) => store.storage.removeItem(k));
    return { figures: { writeUs, replaceUs, readUs, removeUs }, msPerAppend, writesPerAppend: KEYS / replaceAppends };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
