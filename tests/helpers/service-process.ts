/**
 * Runs a real service entry as a child process and talks to it over HTTP — the same way CMS and
 * an operator would. The runtime is chosen by `runtime`; every scenario test runs through here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { eventually } from "./wait.ts";

export type Runtime = "node";

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

const ENTRY: Record<Runtime, string[]> = {
  node: ["--import", "tsx", "src/runtime/node.ts"],
};

export async function startService(env: Record<string, string>, runtime: Runtime = "node"): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ENTRY[runtime], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", RECONCILE_INTERVAL_S: "0", LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
      { timeoutMs: 20_000, what: "the service to listen" },
    ),
    exited.then(([code]) => {
      throw new Error(`service exited with ${code} before listening:\n${logs.join("\n")}`);
    }),
  ]);
  const url = `http://127.0.0.1:${port}`;
  const events = () =>
    logs.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  return {
    url,
    logs,
    events,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
    post: (path, body, init) => fetch(url + path, { method: "POST", body, headers: { "content-type": "text/xml" }, ...init }),
    get: (path) => fetch(url + path),
    async meetings() {
      const res = await fetch(`${url}/api/meetings`);
      return ((await res.json()) as { meetings: MeetingJson[] }).meetings;
    },
  };
}
