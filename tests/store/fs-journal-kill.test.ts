/**
 * A write the fs store acknowledged survives SIGKILL: a child process writes keys and says `acked
 * <i>` after each write resolves; it is killed mid-stream; after a restart every acknowledged key
 * is there, whole.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, test } from "node:test";
import { freshDir, openStore, spawnChild } from "../helpers/fs-store.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("SIGKILL mid-stream: every acknowledged write is there after a restart", async () => {
  const d = await freshDir();
  dirs.push(d);
  const child = spawnChild(["write", d, "1000000"]);
  await child.line(/^acked 2000$/);
  child.process.kill("SIGKILL");
  assert.equal(await child.exited, null, "killed, not finished");
  const acked = child.lines.filter((l) => l.startsWith("acked ")).map((l) => Number(l.slice(6)));
  assert.ok(acked.length > 2000);

  const s = await openStore(d);
  try {
    for (const i of acked) assert.deepEqual(await s.storage.getItem(`k:${i}`), { i, pad: "x".repeat(200) }, `k:${i}`);
    const keys = await s.storage.getKeys("k");
    assert.ok(keys.length >= acked.length, `${keys.length} keys stored, ${acked.length} acknowledged`);
  } finally {
    await s.close();
  }
});
