/**
 * The receiver floor: the ingest bench's meetings, senders and simulated CMS, posted to
 * floor-host.ts, which does only what no correct receiver can skip on the fixed stack. Measured in
 * three steps (HTTP alone, + parsing, + a store write per record and the banner PUTs), so that
 * the table shows what each costs. The host's CPU per record bounds what one core can take
 * whatever the design; adding this process's CPU (senders and simulator, on the same machine)
 * bounds what both cores can take.
 */
import { startHost } from "./host.ts";
import { MEETINGS, warmUp } from "./ingest.ts";
import { joinSteps, leaveSteps, meetingsOn } from "./meetings.ts";
import { percentile, postFromAll } from "./sender.ts";
import type { BenchCluster } from "./sim-cluster.ts";

/** What floor-host.ts does per batch; each step adds to the one before. */
export const FLOOR_STEPS = ["http", "parse", "all"] as const;
export type FloorStep = (typeof FLOOR_STEPS)[number];

export interface FloorFigures {
  step: FloorStep;
  records: number;
  recordsPerS: number;
  /** The floor host's CPU (user + system, every thread) per record. */
  cpuUsPerRecord: number;
  /** This process's CPU per record meanwhile: the two senders and the simulated CMS. */
  loadCpuUsPerRecord: number;
  p50: number;
  p99: number;
}

export async function benchFloor(sim: BenchCluster, step: FloorStep): Promise<FloorFigures> {
  const nodes = sim.cluster.nodes;
  const host = await startHost({ ...sim.settings, FLOOR_STEP: step }, "floor-host.ts");
  try {
    await warmUp(host, sim);

    const byNode = new Map(nodes.map((n) => [n, meetingsOn(n, MEETINGS / nodes.length, "Floor")]));
    const cpu0 = await host.cpuMs();
    const load0 = process.cpuUsage();
    const join = await postFromAll(host.url, nodes, (n) => joinSteps(byNode.get(n)!));
    await host.idle();
    const leave = await postFromAll(host.url, nodes, (n) => leaveSteps(byNode.get(n)!));
    const { failedPuts } = (await host.idle()) as { failedPuts: number };
    const cpuMs = (await host.cpuMs()) - cpu0;
    const load = process.cpuUsage(load0);

    // The floor must not be cheaper than the real thing by skipping the writes it claims to make.
    const writes = nodes.reduce((s, n) => s + n.requests.writes, 0);
    const expected = step === "all" ? 2 * MEETINGS : 0;
    if (writes !== expected || failedPuts) throw new Error(`floor (${step}) made ${writes} CMS writes (${failedPuts} failed), expected ${expected}, none failed`);

    const records = join.records + leave.records;
    const postingMs = join.lastAt - join.firstAt + (leave.lastAt - leave.firstAt);
    const latencies = [...join.latencies, ...leave.latencies];
    return {
      step,
      records,
      recordsPerS: records / (postingMs / 1000),
      cpuUsPerRecord: (cpuMs * 1000) / records,
      loadCpuUsPerRecord: (load.user + load.system) / records,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    await host.stop();
  }
}
