/**
 * Starts the service under test (service-host.ts) as a child process and talks to it: CDRs over
 * HTTP as CMS sends them, measurements over IPC. BENCH_CPU_PROF=1 runs it under --cpu-prof, one
 * profile per host in tests/artifacts/profiles/. BENCH_HOST_LOG=<file> keeps the service's log lines
 * (they go to /dev/null otherwise, as a production log would go to its collector).
 * BENCH_NODE_FLAGS="--flag …" adds V8/Node flags to the host, for trying e.g. a larger young
 * generation (--max-semi-space-size) without editing anything.
 */
import { fork, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { once } from "node:events";
import { resolve } from "node:path";
import type { ReconcileReport } from "../../src/service/reconciler.ts";
import type { HostMemory, HostReply, HostRequest, StoreSizes } from "./host-protocol.ts";

const root = resolve(import.meta.dirname, "../..");
export const profileDir = resolve(root, "tests/artifacts/profiles");

type Command = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export interface Host {
  url: string;
  /** The service's ReconcileReport; the floor host's own counts. */
  reconcile(reason: string): Promise<ReconcileReport | { calls: number; requests: number }>;
  /** Resolves once the applier has nothing queued or running. */
  idle(): Promise<unknown>;
  memory(): Promise<HostMemory>;
  /** CPU milliseconds (user + system) the service process has used so far. */
  cpuMs(): Promise<number>;
  /** Store calls so far, by method (getItem, setItem…). */
  storeOps(): Promise<Record<string, number>>;
  store(): Promise<StoreSizes>;
  stop(): Promise<void>;
}

/** `script` is the host to run: the service (default) or the floor receiver (floor-host.ts). */
export async function startHost(settings: Record<string, string>, script = "service-host.ts"): Promise<Host> {
  const profile = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = fork(resolve(import.meta.dirname, script), [], {
    cwd: root,
    execArgv: ["--expose-gc", ...profile, ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: "127.0.0.1", PORT: "0", RECONCILE_INTERVAL_S: "0", LOG_LEVEL: "info", ...settings },
    stdio: ["ignore", process.env.BENCH_HOST_LOG ? openSync(process.env.BENCH_HOST_LOG, "a") : "ignore", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on("message", (msg: HostReply | { type: "listening"; port: number }) => {
    if (!("id" in msg)) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.ok) w?.resolve(msg.value);
    else w?.reject(new Error(`service host: ${msg.error}`));
  });
  void exited.then(([code]) => {
    for (const w of waiting.values()) w.reject(new Error(`service host exited (${code})`));
  });

  const port = await new Promise<number>((ok, fail) => {
    child.on("message", (msg: { type?: string; port?: number }) => msg.type === "listening" && ok(msg.port!));
    void exited.then(([code]) => fail(new Error(`service host exited (${code}) before listening`)));
  });
  const ask = <T>(req: Command): Promise<T> =>
    new Promise<T>((ok, fail) => {
      const id = nextId++;
      waiting.set(id, { resolve: ok as (v: unknown) => void, reject: fail });
      child.send({ ...req, id });
    });

  return {
    url: `http://127.0.0.1:${port}`,
    reconcile: (reason) => ask({ cmd: "reconcile", reason }),
    idle: () => ask({ cmd: "idle" }),
    memory: () => ask({ cmd: "memory" }),
    cpuMs: () => ask({ cmd: "cpu" }),
    storeOps: () => ask({ cmd: "ops" }),
    store: () => ask({ cmd: "store" }),
    async stop() {
      if (child.exitCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await ask({ cmd: "stop" }).catch(() => child.kill("SIGKILL"));
      await exited;
      clearTimeout(timer);
    },
  };
}
