/**
 * Reads the fs store's previous layout, so that an upgrade loses nothing: one file per key, the
 * key's `:` segments as nested directories (`a:b:c` → `<dir>/a/b/c`), each file holding the
 * stored string, and `.tmp-*` files left by interrupted writes.
 *
 * It only reads. The journal is created from what it returns, and from then on the journal is the
 * store; the old files are left where they are (see the README, "The fs store").
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const TMP = ".tmp-";

/** Every key of the old layout under `dir`; `own` tells the journal's own top-level files apart. */
export async function readLegacyLayout(dir: string, own: (name: string) => boolean): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await walk(dir, [], own, found);
  return found;
}

async function walk(dir: string, prefix: string[], own: (name: string) => boolean, found: Map<string, string>) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(TMP) || (prefix.length === 0 && own(entry.name))) continue;
    const path = join(dir, entry.name);
    const segments = [...prefix, entry.name];
    if (entry.isDirectory()) await walk(path, segments, own, found);
    else if (entry.isFile()) found.set(segments.join(":"), await readFile(path, "utf8"));
  }
}
