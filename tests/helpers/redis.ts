/**
 * Redis for tests. Shared-store tests use REDIS_URL (CI starts one); fault tests start a private
 * redis-server they can freeze. Without Redis, a developer's `npm test` skips these tests and says
 * how to run them; with REQUIRE_REDIS=1 (CI) a missing Redis is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { eventually } from "./wait.ts";

export const HOW = "install redis-server (apt-get install redis-server) or set REDIS_URL=redis://127.0.0.1:6379/0 to run them";

const hasBinary = () => spawnSync("redis-server", ["--version"]).status === 0;

/** A reason to skip, or undefined when Redis can be had; throws when CI requires it. */
export function redisMissing(kind: "url" | "binary"): string | undefined {
  const ok = kind === "url" ? Boolean(process.env.REDIS_URL) || hasBinary() : hasBinary();
  if (ok) return undefined;
  if (process.env.REQUIRE_REDIS === "1") throw new Error(`Redis is required here (REQUIRE_REDIS=1) but ${kind === "url" ? "neither REDIS_URL nor redis-server" : "redis-server"} is available`);
  return `SKIPPED (no Redis): ${HOW}`;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

export interface PrivateRedis {
  url: (db?: number) => string;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Whether the server on `port` is the redis-server with process id `pid`. A port found free may be
 * taken by another test file's server before ours binds it; ours then exits, and without this
 * check the file would talk to the other file's server until that one stopped.
 */
async function isServer(port: number, pid: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise<boolean>((resolve) => {
    let reply = "";
    const s = connect(port, "127.0.0.1", () => s.write("INFO server\r\n"));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      const found = /process_id:(\d+)/.exec(reply);
      if (!found) return;
      s.end();
      resolve(Number(found[1]) === pid);
    });
    s.on("error", () => resolve(false));
  });
}

const PORT_TRIES = 5;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const exited = once(child, "exit");
    let gone = false;
    void exited.then(() => (gone = true));
    await eventually(async () => gone || (await isServer(port, child.pid!)), { what: "redis-server to listen" });
    if (gone) {
      // Another server took the port first: find another.
      if (attempt < PORT_TRIES) continue;
      throw new Error(`redis-server found no free port in ${PORT_TRIES} tries`);
    }
    return {
      url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
      pause: () => child.kill("SIGSTOP"),
      resume: () => child.kill("SIGCONT"),
      async stop() {
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        await exited;
      },
    };
  }
}

/** A Redis database of the shared server (REDIS_URL) or, failing that, a private server. */
export async function sharedRedis(db: number): Promise<{ url: string; stop(): Promise<void> }> {
  const base = process.env.REDIS_URL;
  if (base) {
    const u = new URL(base);
    u.pathname = `/${db}`;
    return { url: u.toString(), stop: async () => {} };
  }
  const own = await startPrivateRedis();
  return { url: own.url(db), stop: () => own.stop() };
}
