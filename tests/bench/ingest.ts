/**
 * Ingest, write economy and memory, on one service host per store:
 *   warm-up   50 meetings per node join and leave, then WARM_ROUNDS rounds of 500 per node (not
 *             measured but for the first full round's rate, shown as "first pass")
 *   join      500 meetings per node: callStart, three SIP rooms, a web guest   → every call shows the banner
 *   no-op     100 of them per node get a fourth SIP room                       → nothing may be written
 *   leave     the guest, then the rooms leave, then the call ends             → every banner is cleared once
 *   memory    measured with 0 live meetings, then with 2,500 per node live (or as many as FILL_MS allowed)
 * Two nodes post at once, each one batch at a time (as a CMS receiver does).
 */
import type { SimNode } from "../../src/sim/index.ts";
import { startHost, type Host } from "./host.ts";
import type { HostMemory, StoreSizes } from "./host-protocol.ts";
import { EXTERNAL, joinSteps, lateJoinerSteps, leaveSteps, meetingsOn, type BenchMeeting } from "./meetings.ts";
import { percentile, postFromAll, type Sent } from "./sender.ts";
import type { BenchCluster } from "./sim-cluster.ts";

export const MEETINGS = 1000;
export const LIVE_FOR_MEMORY = 5000;
/** A store too slow to take 5,000 meetings in this time is measured with those it took. */
const FILL_MS = 25_000;

export interface Economy {
  reads: number;
  writes: number;
  /** Calls whose PUTs were not exactly: one set, then one clear. */
  callsOff: number;
  /** A PUT that repeated the previous PUT to the same call. */
  repeats: number;
  /** PUTs answered other than 200, and other than 404 for a call of the bench's that had ended. */
  refused: number;
  /**
   * PUTs that reached a call of the bench's after the simulator had ended it (404): the CDR of
   * that end was still on its way. The simulator ends a call when it writes its callEnd, one
   * batch before the service can know; measured, these arrived 1–7.5 ms after that
   * (docs/performance.md, "Sixth round"). Each is still the one write of its change.
   */
  late: number;
  /** Calls that got their banner and no clear, because they had ended before the clear was due. */
  clearsSkipped: number;
  noOpWrites: number;
  example?: string;
}

export interface IngestFigures {
  records: number;
  recordsPerS: number;
  /** Service CPU (user + system) per record, banner work included: what the rate costs, whatever the load beside it. */
  cpuUsPerRecord: number;
  /** Store calls per record, by method, banner work included. */
  storeOpsPerRecord: Record<string, number>;
  p50: number;
  p99: number;
  /** The same load in the first full round after start-up, before WARM_ROUNDS made it warm. */
  firstPass: FirstPass;
  /** First POST of the join phase until every call showed its banner. */
  allBannersMs: number;
  /** Last POST of the join phase until every call showed its banner. */
  afterLastPostMs: number;
  economy: Economy;
  /** Wall time of each phase, for seeing where a slow run went. */
  phasesMs: Record<string, number>;
  memory: { empty: HostMemory; live: HostMemory; storeEmpty: StoreSizes; storeLive: StoreSizes; liveMeetings: number };
}

/**
 * Full-size rounds (join and leave, as measured) run before the measured one. V8 goes on
 * compiling the hot path with TurboFan for about two of them: measured after the short round
 * alone, a third of the service's CPU was that compiling, on the core the senders and the
 * simulator share (docs/performance.md, "Sixth round"). A service that takes the top of the hour
 * has been running for hours; the budget is about that one.
 */
export const WARM_ROUNDS = 2;

/** The first full round after start-up: what the same load gets while the JIT is still compiling. */
export interface FirstPass {
  recordsPerS: number;
  cpuUsPerRecord: number;
}

/**
 * A short round (50 meetings per node), then WARM_ROUNDS full ones, all unmeasured but the first
 * full round's rate; counters start afresh after.
 */
export async function warmUp(host: Host, sim: BenchCluster): Promise<FirstPass> {
  const nodes = sim.cluster.nodes;
  await joinAndLeave(host, nodes, 50, "Warm-up");
  let first: FirstPass | undefined;
  for (let round = 1; round <= WARM_ROUNDS; round++) {
    const cpu0 = await host.cpuMs();
    const sent = await joinAndLeave(host, nodes, MEETINGS / nodes.length, `Warm-${round}`);
    const cpuMs = (await host.cpuMs()) - cpu0;
    const postingMs = sent.reduce((s, p) => s + (p.lastAt - p.firstAt), 0);
    const records = sent.reduce((n, p) => n + p.records, 0);
    first ??= { recordsPerS: records / (postingMs / 1000), cpuUsPerRecord: (cpuMs * 1000) / records };
  }
  sim.resetCounters();
  return first!;
}

async function joinAndLeave(host: Host, nodes: SimNode[], perNode: number, name: string): Promise<Sent[]> {
  const meetings = new Map(nodes.map((n) => [n, meetingsOn(n, perNode, name)]));
  const join = await postFromAll(host.url, nodes, (n) => joinSteps(meetings.get(n)!));
  await host.idle();
  const leave = await postFromAll(host.url, nodes, (n) => leaveSteps(meetings.get(n)!));
  await host.idle();
  return [join, leave];
}

export async function benchIngest(sim: BenchCluster, storeSettings: Record<string, string>): Promise<IngestFigures> {
  const nodes = sim.cluster.nodes;
  const host = await startHost({ ...sim.settings, ...storeSettings });
  const phasesMs: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - mark);
    mark = now;
  };
  try {
    await host.reconcile("start-up");
    const firstPass = await warmUp(host, sim);
    phase("warm-up");

    const byNode = new Map(nodes.map((n) => [n, meetingsOn(n, MEETINGS / nodes.length, "Standup")]));
    const all = [...byNode.values()].flat();
    const cpu0 = await host.cpuMs();
    const ops0 = await host.storeOps();
    const join = await postFromAll(host.url, nodes, (n) => joinSteps(byNode.get(n)!));
    const allRightAt = await sim.allShow(all, EXTERNAL, 60_000);
    await host.idle();
    const cpuJoin = (await host.cpuMs()) - cpu0;
    const ops1 = await host.storeOps();
    phase("join");

    const putsBefore = nodes.reduce((s, n) => s + n.puts.length, 0);
    await postFromAll(host.url, nodes, (n) => lateJoinerSteps(byNode.get(n)!.slice(0, 100)));
    await host.idle();
    const noOpWrites = nodes.reduce((s, n) => s + n.puts.length, 0) - putsBefore;
    phase("no-op");

    const cpu2 = await host.cpuMs();
    const ops2 = await host.storeOps();
    const leave = await postFromAll(host.url, nodes, (n) => leaveSteps(byNode.get(n)!));
    await host.idle();
    const cpuLeave = (await host.cpuMs()) - cpu2;
    const ops3 = await host.storeOps();
    phase("leave");
    const economy = { ...economyOf(nodes, all), noOpWrites };

    const empty = await host.memory();
    const storeEmpty = await host.store();
    phase("measure, 0 live");
    const live = new Map(nodes.map((n) => [n, meetingsOn(n, LIVE_FOR_MEMORY / nodes.length, "Live")]));
    const until = performance.now() + FILL_MS;
    await postFromAll(host.url, nodes, (n) => joinSteps(live.get(n)!, until));
    const liveMeetings = [...live.values()].flat().filter((m) => m.callId !== "");
    await sim.allShow(liveMeetings, EXTERNAL, 120_000);
    await host.idle();
    phase(`${liveMeetings.length} live meetings`);
    const memory = { empty, live: await host.memory(), storeEmpty, storeLive: await host.store(), liveMeetings: liveMeetings.length };
    phase("measure, live");
    // The live meetings end in the simulator only; the host and its store go now.
    for (const m of liveMeetings) m.node.endCall(m.callId);

    const both: Sent[] = [join, leave];
    const records = join.records + leave.records;
    const postingMs = both.reduce((s, p) => s + (p.lastAt - p.firstAt), 0);
    const latencies = both.flatMap((p) => p.latencies);
    return {
      records,
      recordsPerS: records / (postingMs / 1000),
      cpuUsPerRecord: ((cpuJoin + cpuLeave) * 1000) / records,
      storeOpsPerRecord: Object.fromEntries(
        Object.keys(ops0).map((m) => [m, (ops1[m]! - ops0[m]! + ops3[m]! - ops2[m]!) / records]).filter(([, n]) => (n as number) > 0),
      ),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      allBannersMs: allRightAt - join.firstAt,
      afterLastPostMs: Math.max(0, allRightAt - join.lastAt),
      firstPass,
      economy,
      phasesMs,
      memory,
    };
  } finally {
    await host.stop();
  }
}

/**
 * Each call of the meetings should have seen the banner once, then its clear once; or the banner
 * alone when the call had ended before its clear was due (a clear for an ended call is a write
 * with nothing to do, and the service makes none once it has read the callEnd).
 */
function economyOf(nodes: SimNode[], meetings: BenchMeeting[]): Omit<Economy, "noOpWrites"> {
  const eco: Omit<Economy, "noOpWrites"> = {
    reads: nodes.reduce((s, n) => s + n.requests.reads, 0),
    writes: nodes.reduce((s, n) => s + n.requests.writes, 0),
    callsOff: 0,
    repeats: 0,
    refused: 0,
    late: 0,
    clearsSkipped: 0,
  };
  const putsByCall = new Map<string, SimNode["puts"]>();
  for (const n of nodes) for (const p of n.puts) putsByCall.set(`${n.name}/${p.callId}`, [...(putsByCall.get(`${n.name}/${p.callId}`) ?? []), p]);
  for (const m of meetings) {
    const puts = putsByCall.get(`${m.node.name}/${m.callId}`) ?? [];
    const texts = puts.map((p) => p.body.messageText ?? "");
    eco.late += puts.filter((p) => p.status === 404).length;
    eco.refused += puts.filter((p) => p.status !== 200 && p.status !== 404).length;
    eco.repeats += texts.filter((t, i) => i > 0 && t === texts[i - 1]).length;
    if (texts.length === 1 && texts[0] === EXTERNAL) eco.clearsSkipped++;
    else if (texts.length !== 2 || texts[0] !== EXTERNAL || texts[1] !== "") {
      eco.callsOff++;
      eco.example ??= `${m.node.name}/${m.callId}: ${JSON.stringify(puts.map((p) => [p.body.messageText, p.status]))}`;
    }
  }
  return eco;
}

