/**
 * Two versions of the service, measured side by side in one process, for a machine whose speed
 * moves by a third within minutes (docs/performance.md, "The machine"): whole-bench runs taken one
 * after the other then tell two versions apart only when they differ by more than that.
 *
 * Each checkout's service gets its own store and simulated cluster. The bench's join-and-leave
 * load (the bench's warm-up, then 500 meetings per node on 2 nodes) goes to both in alternating slices of
 * SLICE batches per node, and the CPU of each slice, banner runs included, is counted to its
 * side. Both sides thus see the same machine at the same moment, within tens of milliseconds.
 * The CDRs go through `app.fetch` (no HTTP server), and the simulated CMS's CPU is counted too:
 * the difference is the service's, the totals are not.
 *
 *   git worktree add --detach ../before <commit> && ln -s "$PWD/node_modules" ../before/
 *   node --import tsx tests/bench/paired.ts ../before . [fs|memory] [meetings per node]
 *
 * Run it twice with the checkouts swapped: whichever goes first in a slice pair pays a little more.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import type { SimNode } from "../../src/sim/index.ts";
import { makeTestCa } from "../helpers/tls.ts";
import { WARM_ROUNDS } from "./ingest.ts";
import { BATCH } from "./sender.ts";
import { joinSteps, leaveSteps, meetingsOn, type Step } from "./meetings.ts";
import { startBenchCluster, type BenchCluster } from "./sim-cluster.ts";

const SLICE = 10;
const [rootA, rootB, storeKind = "fs", perNodeArg = "500"] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error("usage: paired.ts <checkout A> <checkout B> [fs|memory] [meetings per node]");

interface Side {
  root: string;
  sim: BenchCluster;
  post(node: SimNode, body: string): Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
  cpuUs: number;
  records: number;
}

const ca = await makeTestCa();

/** A checkout's own service, built from its own source files, as its Node entry builds it. */
async function sideFor(root: string): Promise<Side> {
  const src = (path: string) => import(resolve(root, "src", path));
  const { loadConfig } = await src("config.ts");
  const { createApp } = await src("http/app.ts");
  const { createLogger } = await src("service/log.ts");
  const { createService } = await src("service/service.ts");
  const { openFsStore } = await src("runtime/fs-journal-driver.ts");
  const { cmsTransport } = await src("runtime/node-settings.ts");
  const sim = await startBenchCluster(["cb-1", "cb-2"], ca);
  const dir = await mkdtemp(join(tmpdir(), "cms-notify-paired-"));
  const loaded = loadConfig({ ...sim.settings, STORAGE: storeKind === "fs" ? `fs:${dir}` : "memory", RECONCILE_INTERVAL_S: "0", LOG_LEVEL: "info" });
  if (!loaded.ok) throw new Error(`${root}: ${loaded.errors.join("; ")}`);
  const store = storeKind === "fs" ? openFsStore(dir) : { storage: createStorage({ driver: memoryDriver() }), close: async () => {} };
  // Log lines are formatted, as in production, and dropped.
  const log = createLogger({ level: "info", write: () => {}, now: Date.now });
  const service = createService({ config: loaded.config, storage: store.storage, log, cmsTransport: cmsTransport(loaded.config) });
  const app = createApp(service);
  return {
    root,
    sim,
    cpuUs: 0,
    records: 0,
    async post(node, body) {
      const res = await app.fetch(new Request(`http://service/cdr/${node.name}`, { method: "POST", body, headers: { "content-type": "text/xml" } }));
      if (res.status !== 200) throw new Error(`${root}: POST answered ${res.status}: ${await res.text()}`);
    },
    idle: () => service.applier.idle(),
    async close() {
      await service.stop();
      await store.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Posts a node's steps in batches, `batches` at a time; answers how many it posted. */
function sender(side: Side, node: SimNode, steps: Iterable<Step>) {
  const it = steps[Symbol.iterator]();
  let pending: string[] = [];
  let done = false;
  return async (batches: number) => {
    let n = 0;
    for (; n < batches; n++) {
      while (!done && pending.length < BATCH) {
        const step = it.next();
        if (step.done) done = true;
        else pending.push(...step.value());
      }
      if (pending.length === 0) break;
      const records = pending.slice(0, BATCH);
      pending = pending.slice(BATCH);
      await side.post(node, node.records(records));
      side.records += records.length;
    }
    return n;
  };
}

/** Runs `steps` on both sides in alternating slices; counts CPU and records when `measured`. */
async function phase(sides: Side[], steps: (side: number, node: SimNode) => Iterable<Step>, measured: boolean) {
  const senders = sides.map((side, i) => side.sim.cluster.nodes.map((node) => sender(side, node, steps(i, node))));
  for (let more = true; more; ) {
    more = false;
    for (const [i, side] of sides.entries()) {
      const records = side.records;
      const before = process.cpuUsage();
      const posted = await Promise.all(senders[i]!.map((send) => send(SLICE)));
      await side.idle();
      const used = process.cpuUsage(before);
      if (posted.some((n) => n > 0)) more = true;
      if (measured) side.cpuUs += used.user + used.system;
      else side.records = records;
    }
  }
}

const sides = [await sideFor(resolve(rootA)), await sideFor(resolve(rootB))];
try {
  const meetings = (label: string, perNode: number) =>
    sides.map((side) => new Map(side.sim.cluster.nodes.map((n) => [n.name, meetingsOn(n, perNode, label)])));
  // The bench's warm-up: a short round, then WARM_ROUNDS full ones, so that V8 has done compiling.
  for (const [label, perNode] of [["Warm-up", 50] as const, ...Array.from({ length: WARM_ROUNDS }, (_, r) => [`Warm-${r + 1}`, Number(perNodeArg)] as const)]) {
    const warm = meetings(label, perNode);
    await phase(sides, (i, n) => joinSteps(warm[i]!.get(n.name)!), false);
    await phase(sides, (i, n) => leaveSteps(warm[i]!.get(n.name)!), false);
  }
  const measured = meetings("Standup", Number(perNodeArg));
  await phase(sides, (i, n) => joinSteps(measured[i]!.get(n.name)!), true);
  await phase(sides, (i, n) => leaveSteps(measured[i]!.get(n.name)!), true);
  for (const side of sides) console.log(`${side.root}  ${storeKind}  ${side.records} records  ${(side.cpuUs / side.records).toFixed(1)} µs/record`);
  const [a, b] = sides.map((s) => s.cpuUs / s.records);
  console.log(`difference (second − first): ${(b! - a!).toFixed(1)} µs/record`);
} finally {
  for (const side of sides) await side.close();
  await rm(ca.dir, { recursive: true, force: true });
}
