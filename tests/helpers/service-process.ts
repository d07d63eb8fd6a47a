/**
 * Runs a real service entry as a child process and talks to it over HTTP — the same way CMS and
 * an operator would. Every scenario test runs through here, on the runtime named by
 * `TEST_RUNTIME` (node, deno or workerd; tests/run.ts runs the scenarios once per runtime).
 *
 * Each entry prints the same JSON `listening` line with its port, and startService returns once
 * the start-up reconcile has run (on workerd: the cron run that the local launcher fires when
 * wrangler is ready). The Deno entry runs through its deno.json task, the Worker through
 * `npm run start:worker`'s launcher, each in a process group of its own. Stores are asked for by the
 * same STORAGE values everywhere; on workerd, which has neither process memory that outlives an
 * isolate nor a file system, `memory` becomes a Durable Object in a fresh directory and
 * `fs:<dir>` a Durable Object persisted in <dir> — a store that survives a restart, as fs does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eventually } from "./wait.ts";

export type Runtime = "node" | "deno" | "workerd";
export const runtimes: readonly Runtime[] = ["node", "deno", "workerd"];

/** The runtime under test: `TEST_RUNTIME`, default node. */
export function testRuntime(): Runtime {
  const name = process.env.TEST_RUNTIME || "node";
  if (!runtimes.includes(name as Runtime)) throw new Error(`TEST_RUNTIME=${name}: use one of ${runtimes.join(", ")}`);
  return name as Runtime;
}

/** workerd cannot be told to trust a private CA, so its CMS nodes are plain HTTP on loopback. */
export const trustsPrivateCa = (runtime: Runtime = testRuntime()) => runtime !== "workerd";

/** For `test(name, { skip: skipOn(["workerd"], "why") }, …)`: the reason when the runtime under test is listed. */
export function skipOn(which: Runtime[], reason: string): string | false {
  const runtime = testRuntime();
  return which.includes(runtime) ? `not on ${runtime}: ${reason}` : false;
}

export interface ServiceProcess {
  url: string;
  logs: string[];
  /** Log lines parsed as JSON (the service logs JSON lines). */
  events(): Record<string, unknown>[];
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  post(path: string, body: string | Uint8Array, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  meetings(): Promise<MeetingJson[]>;
}

export interface MeetingJson {
  id: string;
  name: string;
  restricted: boolean;
  desired: { text: string; position: string; duration: string | number } | null;
  counts: Record<string, number>;
  calls: { node: string | null; callId: string; applied: { text: string } | null; operatorMessage: string | null }[];
  legs: { id: string; participant: boolean; class: string | null; why: string }[];
}

interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Removes what the launch made (a workerd state directory). */
  cleanup(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../..");
const inherited = (...names: string[]) =>
  Object.fromEntries(names.flatMap((n) => (process.env[n] === undefined ? [] : [[n, process.env[n]!]])));

async function launch(runtime: Runtime, env: Record<string, string>): Promise<Launch> {
  const base = { ...inherited("PATH", "HOME", "TMPDIR"), HOST: "127.0.0.1", PORT: "0", RECONCILE_INTERVAL_S: "0", LOG_LEVEL: "debug" };
  const none = async () => {};
  if (runtime === "node") {
    return { command: process.execPath, args: ["--import", "tsx", "src/runtime/node.ts"], env: { ...base, ...env }, cleanup: none };
  }
  if (runtime === "deno") {
    // The deno.json task, as `npm run start:deno` runs it.
    const deno = join(root, "node_modules", ".bin", "deno");
    return { command: deno, args: ["task", "--quiet", "start"], env: { ...base, ...inherited("DENO_DIR"), DENO_NO_UPDATE_CHECK: "1", ...env }, cleanup: none };
  }
  const { STORAGE: storage, ...rest } = env;
  const kept = storage?.startsWith("fs:") ? storage.slice(3) : undefined;
  const dir = kept ?? (await mkdtemp(join(tmpdir(), "cms-notify-workerd-")));
  return {
    command: process.execPath,
    args: ["--import", "tsx", "src/runtime/worker-dev.ts", "--persist-to", dir],
    env: { ...base, ...rest, STORAGE: storage === "memory" || kept ? "durable-object" : (storage ?? "durable-object") },
    cleanup: kept ? none : () => rm(dir, { recursive: true, force: true }),
  };
}

export async function startService(env: Record<string, string>, runtime: Runtime = testRuntime()): Promise<ServiceProcess> {
  const how = await launch(runtime, env);
  // A process group of its own, so that stopping it also ends wrangler's and deno's children.
  const child: ChildProcess = spawn(how.command, how.args, { cwd: root, env: how.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const logs: string[] = [];
  let buffered = "";
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    logs.push(...lines.filter(Boolean));
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = once(child, "exit");

  const port = await Promise.race([
    eventually(
      () => {
        for (const line of logs) {
          if (!line.includes('"listening"')) continue;
          return (JSON.parse(line) as { port: number }).port;
        }
        return undefined;
      },
      { timeoutMs: runtime === "workerd" ? 60_000 : 30_000, what: "the service to listen" },
    ),
    exited.then(([code]) => {
      throw new Error(`service exited with ${code} before listening:\n${logs.join("\n")}`);
    }),
  ]).catch(async (err: unknown) => {
    killGroup(child);
    await how.cleanup();
    throw err;
  });
  const url = `http://127.0.0.1:${port}`;
  const events = () =>
    logs.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  // Ready for a test once the start-up reconcile is done: CDRs posted while it still reads the
  // CMS race it (it can re-add a leg that left meanwhile), and a slower runtime widens that window.
  await eventually(() => events().some((e) => e.msg === "reconciled" || e.msg === "reconcile failed"), {
    timeoutMs: 30_000,
    what: "the start-up reconcile",
  }).catch(async (err: unknown) => {
    killGroup(child);
    await how.cleanup();
    throw err;
  });

  return {
    url,
    logs,
    events,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child), 15_000);
      const [code] = await exited;
      clearTimeout(timer);
      killGroup(child);
      await how.cleanup();
      return code as number | null;
    },
    async kill() {
      killGroup(child);
      await exited;
      await how.cleanup();
    },
    post: (path, body, init) => fetch(url + path, { method: "POST", body, headers: { "content-type": "text/xml" }, ...init }),
    get: (path) => fetch(url + path),
    async meetings() {
      const res = await fetch(`${url}/api/meetings`);
      return ((await res.json()) as { meetings: MeetingJson[] }).meetings;
    },
  };
}

/** SIGKILL to the child's whole process group; a group already gone is fine. */
function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}
