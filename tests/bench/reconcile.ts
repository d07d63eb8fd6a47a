/**
 * Cold start: 2,000 live calls with five legs each (four SIP rooms and a web guest), 500 on each
 * of four nodes, exist only in the simulator. A service with an empty store starts and reconciles;
 * the clock runs from that start until the last call shows its banner.
 *
 * The simulator answers every API request after CMS_LATENCY_MS, so that requests overlap as they
 * do against a real CMS and the per-node bound on requests in flight is what limits the pace.
 *
 * With `floor-host.ts` as the host, the same run measures the reconcile floor: only the requests
 * a cold start cannot do without, through our CMS client, nothing stored or decided.
 */
import { startHost } from "./host.ts";
import { EXTERNAL, liveCallsOnly } from "./meetings.ts";
import type { BenchCluster, CallRef } from "./sim-cluster.ts";

export const RECONCILE_CALLS = 2000;

export interface ReconcileFigures {
  calls: number;
  /** Reconcile start until every call showed its banner. */
  allRightMs: number;
  /** Reconcile start until the first call, and half the calls, showed theirs. */
  firstRightMs: number;
  halfRightMs: number;
  /** The reconciler's own run (listing and reading), before the banner writes it hands on. */
  runMs: number;
  peakInFlightPerNode: number;
  readsPerCall: number;
  writesPerCall: number;
  /** Service CPU for the whole run, per call. */
  cpuMsPerCall: number;
  /** The bench process's CPU (the simulator answering) for the same run, per call. */
  simCpuMsPerCall: number;
  /** What the host's reconcile answered (the service's ReconcileReport, or the floor's counts). */
  report: unknown;
}

export async function benchReconcile(
  sim: BenchCluster,
  storeSettings: Record<string, string>,
  latencyMs: number,
  script = "service-host.ts",
): Promise<ReconcileFigures> {
  const nodes = sim.cluster.nodes;
  const calls: CallRef[] = nodes.flatMap((node) => liveCallsOnly(node, RECONCILE_CALLS / nodes.length).map((callId) => ({ node, callId })));
  const host = await startHost({ ...sim.settings, ...storeSettings }, script);
  try {
    for (const n of nodes) n.latencyMs = latencyMs;
    sim.resetCounters();
    const cpu0 = await host.cpuMs();
    const sim0 = process.cpuUsage();
    const t0 = performance.now();
    const shown = sim.showTimes(calls, EXTERNAL, 120_000);
    const report = await host.reconcile("start-up");
    const runMs = performance.now() - t0;
    const times = await shown;
    const allRightMs = times[times.length - 1]! - t0;
    await host.idle();
    const cpuMs = (await host.cpuMs()) - cpu0;
    const simCpu = process.cpuUsage(sim0);
    const total = (k: "reads" | "writes") => nodes.reduce((s, n) => s + n.requests[k], 0);
    return {
      calls: calls.length,
      allRightMs,
      firstRightMs: times[0]! - t0,
      halfRightMs: times[Math.floor(times.length / 2)]! - t0,
      runMs,
      peakInFlightPerNode: Math.max(...nodes.map((n) => n.requests.peakInFlight)),
      readsPerCall: total("reads") / calls.length,
      writesPerCall: total("writes") / calls.length,
      cpuMsPerCall: cpuMs / calls.length,
      simCpuMsPerCall: (simCpu.user + simCpu.system) / 1000 / calls.length,
      report,
    };
  } finally {
    for (const n of nodes) n.latencyMs = 0;
    for (const c of calls) if (c.node.calls.has(c.callId)) c.node.endCall(c.callId);
    await host.stop();
  }
}

/**
 * One unmeasured reconcile through the floor host, so that the simulator is warm before the first
 * measured one. It stands in for a CMS, which has no JIT to warm: measured cold, the first store's
 * reconcile paid for V8 compiling the simulator (1.8 ms of its CPU per call against 1.3–1.5
 * warm) while the floor's, run last, did not (docs/performance.md, "Sixth round"). The service
 * host is started afresh for every run, so its own cold start is measured as it happens.
 */
export async function warmSimulator(sim: BenchCluster, latencyMs: number): Promise<void> {
  await benchReconcile(sim, {}, latencyMs, "floor-host.ts");
}
