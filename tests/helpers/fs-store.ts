/**
 * For the fs store's tests: a fresh directory, the store opened on it with its appends counted,
 * the journal's lines as they are on disk, and a child process that runs the store
 * (fs-store-child.ts) for what one process cannot show about itself: a lock held by another
 * process, a SIGKILL, a file size limit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { after } from "node:test";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { JOURNAL_FILE, openFsStore, type FsJournalOptions } from "../../src/runtime/fs-journal-driver.ts";
import { replay } from "../../src/runtime/fs-journal-format.ts";

export const freshDir = () => mkdtemp(join(tmpdir(), "cms-notify-fsj-"));

/** A maker of fresh directories that are all removed when the test file ends. */
export function tempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const d = await freshDir();
    dirs.push(d);
    return d;
  };
}

export const journalPath = (dir: string) => join(dir, JOURNAL_FILE);

export type OpenedStore = ReturnType<typeof openFsStore> & { appends: number[]; compactions: unknown[] };

/** The store on `dir`, ready; `appends` gets the record count of each append, `compactions` each compaction's error or undefined. */
export async function openStore(dir: string, opts: Omit<FsJournalOptions, "base" | "observe"> = {}): Promise<OpenedStore> {
  const appends: number[] = [];
  const compactions: unknown[] = [];
  const store = openFsStore(dir, { ...opts, observe: { append: (n) => appends.push(n), compacted: (err) => compactions.push(err) } });
  await store.ready();
  return { ...store, appends, compactions };
}

/** The journal's records in file order, as [op, key, value?]. */
export async function journalRecords(dir: string): Promise<unknown[][]> {
  const text = await readFile(journalPath(dir), "utf8");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line.slice(9)) as unknown[]);
}

/** What a start would load from the journal, read without opening the store. */
export async function journalState(dir: string): Promise<Map<string, string>> {
  return replay(await readFile(journalPath(dir)), journalPath(dir)).entries;
}

export interface Child {
  process: ChildProcess;
  /** stdout lines so far. */
  lines: string[];
  /** Resolves with the first line matching `re`. */
  line(re: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

const script = resolve(import.meta.dirname, "fs-store-child.ts");

/** Runs fs-store-child.ts `args` (through `sh -c` with `shellPrefix` first, e.g. a ulimit). */
export function spawnChild(args: string[], shellPrefix = ""): Child {
  const node = [process.execPath, "--import", "tsx", script, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("sh", ["-c", `${shellPrefix}exec ${node}`], { stdio: ["ignore", "pipe", "pipe"], cwd: resolve(import.meta.dirname, "../..") });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve(line: string): void }[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.re.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  // "close", not "exit": by then every line the child printed has been read.
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return {
    process: child,
    lines,
    exited,
    line: (re) =>
      new Promise((resolveLine, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolveLine(seen);
        waiters.push({ re, resolve: resolveLine });
        void exited.then((code) => reject(new Error(`child exited (${code}) before printing ${re}; stderr: ${stderr}`)));
      }),
  };
}
