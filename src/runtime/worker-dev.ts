/**
 * `npm run start:worker`: the Worker under workerd (`wrangler dev`), configured like the other
 * entries — from the environment and CONFIG_FILE, HOST and PORT included. Only the settings and
 * what wrangler itself needs reach wrangler's environment, and `CLOUDFLARE_INCLUDE_PROCESS_ENV`
 * hands them to the Worker as-is: no secret on a command line, in a file, or through dotenv's
 * `$` expansion. Prints the same `listening` line as the Node and Deno entries once workerd is
 * ready. wrangler dev never fires Cron Triggers, so this plays the cron as the other entries
 * play their timer: once when ready, then every RECONCILE_INTERVAL_S (0: only at start).
 * Extra arguments go to `wrangler dev` (e.g. `--persist-to <dir>`).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { settingNames } from "../config.ts";
import { readSettings } from "./node-settings.ts";

/** What wrangler needs from the environment of the shell that runs it. */
const WRANGLER_OWN = /^(PATH|HOME|TMPDIR|TEMP|TMP|LANG|LC_\w+|TERM|CI|NO_COLOR|FORCE_COLOR|XDG_\w+|NODE_\w+|(CLOUDFLARE|WRANGLER|MINIFLARE)_\w+|(HTTPS?|NO)_PROXY|(https?|no)_proxy)$/;

function settings(): Record<string, string> {
  const merged = readSettings();
  const out: Record<string, string> = {};
  for (const name of settingNames) {
    const value = merged[name];
    if (value !== undefined && value !== "") out[name] = value;
  }
  return out;
}

function wranglerEnv(config: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && WRANGLER_OWN.test(name)) env[name] = value;
  return {
    ...env,
    ...config,
    CLOUDFLARE_INCLUDE_PROCESS_ENV: "true",
    // Nothing leaves the machine: no usage metrics, no download of the `request.cf` sample.
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  };
}

/** Fires the Worker's `scheduled` handler through wrangler's local trigger URL. */
function playCron(origin: string, everyS: number): ReturnType<typeof setInterval> | undefined {
  const url = `${origin.replace("//0.0.0.0:", "//127.0.0.1:")}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`;
  const fire = async (triesLeft: number): Promise<void> => {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
      throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      // wrangler answers 503 while it reloads the Worker (it watches the sources).
      if (triesLeft > 0) return new Promise((r) => setTimeout(r, 500)).then(() => fire(triesLeft - 1));
      process.stderr.write(`cms-notify: cron trigger failed: ${(err as Error).message}\n`);
    }
  };
  void fire(10);
  return everyS > 0 ? setInterval(() => void fire(2), everyS * 1000) : undefined;
}

function main() {
  let config: Record<string, string>;
  try {
    config = settings();
  } catch (err) {
    process.stderr.write(`cms-notify: configuration error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const extra = process.argv.slice(2);
  const wrangler = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
  const args = [wrangler, "dev", "--ip", config.HOST ?? "0.0.0.0", "--port", config.PORT ?? "5000", ...extra];
  // wrangler's default inspector port (9229) collides as soon as two run at once.
  if (!extra.some((a) => a.startsWith("--inspector-port"))) args.push("--inspector-port", "0");

  const child = spawn(process.execPath, args, { env: wranglerEnv(config), stdio: ["inherit", "pipe", "inherit"] });
  let pending = "";
  let announced = false;
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (announced) return;
    pending += chunk.toString("utf8");
    const ready = pending.replace(/\x1b\[[0-9;]*m/g, "").match(/Ready on (https?):\/\/(\S+):(\d+)/);
    if (!ready) return;
    announced = true;
    pending = "";
    const line = { time: new Date().toISOString(), level: "info", msg: "listening", host: ready[2], port: Number(ready[3]), runtime: "workerd", storage: config.STORAGE ?? "durable-object" };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    cron = playCron(`${ready[1]}://${ready[2]}:${ready[3]}`, Number(config.RECONCILE_INTERVAL_S ?? 60));
  });
  let cron: ReturnType<typeof setInterval> | undefined;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      clearInterval(cron);
      child.kill(signal);
    });
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main();
