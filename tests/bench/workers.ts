/**
 * The Workers bundle as Cloudflare would receive it: `wrangler deploy --dry-run` into a temp
 * directory, and the gzip size wrangler reports. Without wrangler.toml or wrangler: not measured.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export type WorkersFigures = { ok: true; kib: number; gzipKib: number } | { ok: false; why: string };

export async function benchWorkers(): Promise<WorkersFigures> {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  if (!existsSync(join(root, "wrangler.toml"))) return { ok: false, why: "no wrangler.toml" };
  if (!existsSync(wrangler)) return { ok: false, why: "wrangler is not installed" };
  const out = await mkdtemp(join(tmpdir(), "cms-notify-bundle-"));
  try {
    const { code, text } = await run(wrangler, ["deploy", "--dry-run", "--outdir", out], 90_000);
    // "Total Upload: 262.70 KiB / gzip: 65.60 KiB"
    const sizes = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(text);
    if (code !== 0 || !sizes) return { ok: false, why: `wrangler exited ${code}: ${lastLine(text)}` };
    return { ok: true, kib: Number(sizes[1]), gzipKib: Number(sizes[2]) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; text: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (c: Buffer) => (text += c.toString()));
    child.stderr.on("data", (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, text });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? "").slice(0, 160);
}
