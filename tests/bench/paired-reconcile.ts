/**
 * The bench's cold-start reconcile, for two versions of the service side by side: each checkout's
 * own service host (its own `tests/bench/service-host.ts`, started afresh for every run, as the
 * bench does) reconciles the same 2,000 calls on one simulated cluster, the two alternating, the
 * order swapped every pair. A whole-bench run of each, minutes apart, tells two versions apart only
 * when they differ by more than the machine's swings (docs/performance.md, "The machine"); here
 * each pair runs within half a minute.
 *
 *   git worktree add --detach ../before <commit> && ln -s "$PWD/node_modules" ../before/
 *   node --import tsx tests/bench/paired-reconcile.ts ../before . [pairs] [memory|fs] [CMS latency ms]
 *
 * Prints each run and, per pair, the second checkout's service CPU per call less the first's.
 * The simulator runs in this process from the first checkout's code, and is warmed first by one
 * unmeasured reconcile (warmSimulator), as in the bench.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeTestCa } from "../helpers/tls.ts";
import type { benchReconcile as BenchReconcile } from "./reconcile.ts";
import { startBenchCluster } from "./sim-cluster.ts";

const [rootA, rootB, pairsArg = "4", storeKind = "memory", latencyArg = "2"] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error("usage: paired-reconcile.ts <checkout A> <checkout B> [pairs] [memory|fs] [CMS latency ms]");
const roots = [resolve(rootA), resolve(rootB)];
const latencyMs = Number(latencyArg);

const runs: Record<string, typeof BenchReconcile> = {};
for (const root of roots) runs[root] = (await import(resolve(root, "tests/bench/reconcile.ts"))).benchReconcile;
const { warmSimulator } = await import("./reconcile.ts");

const sim = await startBenchCluster(["cb-1", "cb-2", "cb-3", "cb-4"], await makeTestCa());
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
try {
  await warmSimulator(sim, latencyMs);
  const cpu: Record<string, number[]> = Object.fromEntries(roots.map((r) => [r, []]));
  const allRight: Record<string, number[]> = Object.fromEntries(roots.map((r) => [r, []]));
  for (let pair = 0; pair < Number(pairsArg); pair++) {
    for (const root of pair % 2 ? [...roots].reverse() : roots) {
      const dir = storeKind === "fs" ? await mkdtemp(join(tmpdir(), "cms-notify-paired-reconcile-")) : undefined;
      try {
        const f = await runs[root]!(sim, { STORAGE: dir ? `fs:${dir}` : "memory" }, latencyMs);
        cpu[root]!.push(f.cpuMsPerCall);
        allRight[root]!.push(f.allRightMs / 1000);
        console.log(`${root}  all banners right ${(f.allRightMs / 1000).toFixed(2)} s  service CPU ${f.cpuMsPerCall.toFixed(3)} ms/call  simulator ${f.simCpuMsPerCall.toFixed(2)} ms/call`);
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    }
  }
  for (const root of roots) console.log(`${root}  mean: ${mean(allRight[root]!).toFixed(2)} s, ${mean(cpu[root]!).toFixed(3)} ms/call`);
  const diff = cpu[roots[1]!]!.map((c, i) => c - cpu[roots[0]!]![i]!);
  console.log(`service CPU per call, second − first, per pair: ${diff.map((d) => d.toFixed(3)).join(" ")} ms; mean ${mean(diff).toFixed(3)}`);
} finally {
  await sim.close();
}
