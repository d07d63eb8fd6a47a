/**
 * Two versions of the CDR path's core, side by side in one process, for changes too small for
 * paired.ts to tell apart (it resolves about 3 µs per record; this, about half a microsecond):
 *
 *   ingest  `ingestBatch` alone, memory store with the sole writer's copy, over the bench's
 *           join-and-leave load (500 meetings per node on 2 nodes, 14,000 records) parsed
 *           beforehand: no HTTP, no parse, no banner runs.
 *   parse   `parseCdrBatch` on the parse bench's realistic batch.
 *
 * The two checkouts alternate round by round, the order swapped every round; each round's
 * difference (second checkout less first) is printed with their median, leaving out the first two
 * rounds (V8 still compiling). Run it again with the checkouts swapped: their medians should agree.
 *
 *   git worktree add --detach ../before <commit> && ln -s "$PWD/node_modules" ../before/
 *   node --import tsx tests/bench/paired-core.ts ../before . [ingest|parse] [rounds]
 */
import { resolve } from "node:path";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig } from "../../src/config.ts";
import { createSimCluster } from "../../src/sim/index.ts";
import { joinSteps, leaveSteps, meetingsOn } from "./meetings.ts";
import { realisticBatch } from "./parse.ts";
import { BATCH } from "./sender.ts";

const [rootA, rootB, what = "ingest", roundsArg = "30"] = process.argv.slice(2);
if (!rootA || !rootB || (what !== "ingest" && what !== "parse")) throw new Error("usage: paired-core.ts <checkout A> <checkout B> [ingest|parse] [rounds]");
const rounds = Number(roundsArg);

const loaded = loadConfig({ CMS_NODES: "cb-1=https://127.0.0.1:1,cb-2=https://127.0.0.1:2", CMS_USERNAME: "bench", CMS_PASSWORD: "bench" });
if (!loaded.ok) throw new Error(loaded.errors.join("; "));
const policy = loaded.config.policy;

/** The bench's load as CDR bodies, the two nodes' batches interleaved: [node, body]. */
function loadBodies(): [string, string][] {
  const cluster = createSimCluster({ nodes: ["cb-1", "cb-2"] });
  const perNode = cluster.nodes.map((node) => {
    const meetings = meetingsOn(node, 500, "Core");
    const records: string[] = [];
    for (const step of [...joinSteps(meetings), ...leaveSteps(meetings)]) records.push(...step());
    const bodies: string[] = [];
    for (let i = 0; i < records.length; i += BATCH) bodies.push(node.records(records.slice(i, i + BATCH)));
    return bodies.map((body) => [node.name, body] as [string, string]);
  });
  const out: [string, string][] = [];
  for (let i = 0; i < Math.max(...perNode.map((b) => b.length)); i++) for (const bodies of perNode) if (bodies[i]) out.push(bodies[i]!);
  return out;
}

/** One round of a checkout: µs of CPU per record. */
type Round = () => Promise<number>;

async function sideFor(root: string): Promise<Round> {
  const src = (path: string) => import(resolve(root, "src", path));
  const { parseCdrBatch } = await src("core/parse-cdr.ts");
  if (what === "parse") {
    const body = realisticBatch();
    return async () => {
      const t0 = process.cpuUsage();
      for (let i = 0; i < 1000; i++) parseCdrBatch(body);
      const used = process.cpuUsage(t0);
      return (used.user + used.system) / 10_000;
    };
  }
  const { ingestBatch } = await src("service/ingest.ts");
  const { createStateStore } = await src("store/state.ts");
  const batches = loadBodies().map(([node, body]) => {
    const parsed = parseCdrBatch(body);
    if (!parsed.ok) throw new Error(`${root}: ${parsed.reason}`);
    return [node, parsed.batch] as const;
  });
  const records = batches.reduce((n, [, b]) => n + b.records.length, 0);
  return async () => {
    const state = createStateStore(createStorage({ driver: memoryDriver() }), { soleWriter: true });
    await state.mirror.loaded();
    let now = Date.now();
    const t0 = process.cpuUsage();
    for (const [node, batch] of batches) await ingestBatch(state, batch, node, now++, policy);
    const used = process.cpuUsage(t0);
    return (used.user + used.system) / records;
  };
}

const sides = [await sideFor(rootA), await sideFor(rootB)];
const times: number[][] = [[], []];
for (let r = 0; r < rounds; r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) times[i]!.push(await sides[i]!());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const diffs = times[1]!.map((t, r) => t - times[0]![r]!).slice(2);
console.log(`${rootA}: median ${median(times[0]!.slice(2)).toFixed(2)} µs per record`);
console.log(`${rootB}: median ${median(times[1]!.slice(2)).toFixed(2)} µs per record`);
console.log(`${what}, ${rootB} less ${rootA}, per round: ${diffs.map((d) => d.toFixed(2)).join(" ")}`);
console.log(`median: ${median(diffs).toFixed(2)} µs per record`);
