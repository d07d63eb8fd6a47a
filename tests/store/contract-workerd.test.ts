/**
 * The store contract on the Workers back ends, inside the real workerd (`wrangler dev` on a test
 * Worker, tests/workerd/): the Durable Object driver of the default store, and KV (STORAGE=kv);
 * and the Durable Object's leases, which order writes across requests.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import type { CaseOutcome } from "./contract.ts";
import { storeContract } from "./contract.ts";
import { eventually } from "../helpers/wait.ts";
import { leaseCases } from "../workerd/lease-cases.ts";

const root = resolve(import.meta.dirname, "../..");
const backends = ["durable-object", "kv"] as const;
const outcomes = new Map<string, CaseOutcome[]>();
let leaseOutcomes: CaseOutcome[] = [];
let wrangler: ChildProcess;
let persist: string;

before(async () => {
  persist = await mkdtemp(join(tmpdir(), "cms-notify-contract-workerd-"));
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const args = [bin, "dev", "--config", "tests/workerd/wrangler.toml", "--ip", "127.0.0.1", "--port", "0", "--inspector-port", "0", "--persist-to", persist];
  wrangler = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  wrangler.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  wrangler.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const origin = await eventually(() => out.match(/Ready on (http:\/\/[\d.]+:\d+)/)?.[1], { timeoutMs: 60_000, what: "wrangler dev to be ready" }).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${out}`);
    },
  );
  for (const backend of backends) {
    const res = await fetch(`${origin}/contract/${backend}`);
    assert.equal(res.status, 200, await res.clone().text());
    outcomes.set(backend, (await res.json()) as CaseOutcome[]);
  }
  leaseOutcomes = (await (await fetch(`${origin}/leases`)).json()) as CaseOutcome[];
});

after(async () => {
  if (wrangler?.exitCode === null) {
    const exited = once(wrangler, "exit");
    process.kill(-wrangler.pid!, "SIGKILL");
    await exited;
  }
  await rm(persist, { recursive: true, force: true });
});

for (const backend of backends) {
  for (const c of storeContract) {
    test(`${backend} (workerd): ${c.name}`, () => {
      const outcome = outcomes.get(backend)?.find((o) => o.name === c.name);
      assert.ok(outcome, "the case ran inside workerd");
      if (!outcome.ok) assert.fail(outcome.error);
    });
  }
}

for (const c of leaseCases) {
  test(`durable-object leases (workerd): ${c.name}`, () => {
    const outcome = leaseOutcomes.find((o) => o.name === c.name);
    assert.ok(outcome, "the case ran inside workerd");
    if (!outcome.ok) assert.fail(outcome.error);
  });
}
