/**
 * The fs driver of releases before the journal (one file per key), kept only so tests can write
 * the layout that src/runtime/fs-legacy-layout.ts imports.
 * Like unstorage's fs-lite, with two differences that mattered. Writes are atomic (a temporary file renamed over the old one), so a process killed
 * mid-write leaves the old value or the new one, never half of one. And a failing disk is an
 * error: fs-lite resolves a failed read or delete to the Error object itself (it only means to
 * ignore ENOENT), which would let a 200 go out for a batch that was never stored.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { defineDriver } from "unstorage";

const TMP = ".tmp-";

const missing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === "ENOENT";

export const atomicFsDriver = defineDriver((opts: { base: string }) => {
  const base = resolve(opts.base);
  const pathOf = (key: string) => {
    const parts = key.split(":").filter(Boolean);
    if (parts.some((p) => p === ".." || p === "." || p.startsWith(TMP))) throw new Error(`invalid store key ${JSON.stringify(key)}`);
    return join(base, ...parts);
  };

  async function walk(dir: string, prefix: string[]): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (missing(err)) return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith(TMP)) continue;
      if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), [...prefix, e.name])));
      else out.push([...prefix, e.name].join(":"));
    }
    return out;
  }

  async function getItem(key: string): Promise<string | null> {
    try {
      return await readFile(pathOf(key), "utf8");
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  return {
    name: "atomic-fs",
    options: opts,
    // unstorage calls driver methods unbound, so no `this` here.
    hasItem: async (key) => (await getItem(key)) !== null,
    getItem,
    async setItem(key, value) {
      const path = pathOf(key);
      const dir = join(path, "..");
      const tmp = join(dir, `${TMP}${randomUUID()}`);
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, value, "utf8");
      await rename(tmp, path);
    },
    async removeItem(key) {
      try {
        await unlink(pathOf(key));
      } catch (err) {
        if (!missing(err)) throw err;
      }
    },
    // Unlike fs-lite, honours the base, so listing one prefix does not read the whole tree.
    getKeys(prefix = "") {
      const parts = prefix.split(":").filter(Boolean);
      return walk(parts.length ? pathOf(prefix) : base, parts);
    },
    async clear() {
      await rm(base, { recursive: true, force: true });
    },
  };
});
