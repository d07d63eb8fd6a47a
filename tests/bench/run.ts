/**
 * `npm run bench`: the budget of issue 6, measured. Prints one table and writes it, with the raw
 * figures and the machine, to tests/artifacts/bench.json.
 *
 *   npm run bench                      every store available (memory, fs, Redis)
 *   npm run bench -- --stores=memory   only those stores
 *   BENCH_CPU_PROF=1 npm run bench     also a CPU profile of each service host (tests/artifacts/profiles/)
 *
 * The service runs as a child process (host.ts); this process plays the CMS cluster and its CDR
 * senders. Figures are from one run; on a shared two-core machine, anything else running shows.
 */
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { makeTestCa } from "../helpers/tls.ts";
import { benchIngest, LIVE_FOR_MEMORY, MEETINGS, WARM_ROUNDS, type IngestFigures } from "./ingest.ts";
import { benchParse } from "./parse.ts";
import { benchReconcile, RECONCILE_CALLS, warmSimulator, type ReconcileFigures } from "./reconcile.ts";
import { atLeast, atMost, formatTable, machine, writeJson, type Row } from "./report.ts";
import { startBenchCluster } from "./sim-cluster.ts";
import { benchStores, type StoreName } from "./stores.ts";
import { benchWorkers } from "./workers.ts";
import { probeFs, type FsProbe } from "./fs-probe.ts";
import { benchFloor, FLOOR_STEPS, type FloorFigures, type FloorStep } from "./floor.ts";

/** What a CMS API request takes to answer in the simulator during the reconcile (see reconcile.ts). */
const CMS_LATENCY_MS = 2;
const KIB = 1024;
const OUT = resolve(import.meta.dirname, "../artifacts/bench.json");

const storesArg = process.argv.find((a) => a.startsWith("--stores="))?.slice("--stores=".length);
const only = storesArg ? (storesArg.split(",") as StoreName[]) : undefined;

const started = performance.now();
const before = machine();
if (before.loadAverage[0]! > 0.5) console.warn(`note: load average ${before.loadAverage.join(" ")} — other work on this machine lowers every figure`);

const ca = await makeTestCa();
const stores = await benchStores(only);
const rows: Row[] = [];
const raw: Record<string, unknown> = {};

try {
  const ingestSim = await startBenchCluster(["cb-1", "cb-2"], ca);
  const reconcileSim = await startBenchCluster(["cb-1", "cb-2", "cb-3", "cb-4"], ca);
  await warmSimulator(reconcileSim, CMS_LATENCY_MS);
  for (const store of stores.cases) {
    const ingestStore = await store.open();
    const ingest = await benchIngest(ingestSim, ingestStore.settings).finally(() => ingestStore.close());
    const reconcileStore = await store.open();
    const reconcile = await benchReconcile(reconcileSim, reconcileStore.settings, CMS_LATENCY_MS).finally(() => reconcileStore.close());
    const probe = store.name === "fs" ? await probeFs() : undefined;
    raw[store.name] = { ingest, reconcile, ...(probe ? { fsProbe: probe } : {}) };
    rows.push(...ingestRows(store.name, ingest, probe), ...reconcileRows(store.name, reconcile), ...memoryRows(store.name, ingest));
    console.error(`bench: ${store.name} done at ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const floor: FloorFigures[] = [];
  for (const step of FLOOR_STEPS) floor.push(await benchFloor(ingestSim, step));
  raw.floor = floor;
  rows.push(...floorRows(floor));
  const reconcileFloor = await benchReconcile(reconcileSim, {}, CMS_LATENCY_MS, "floor-host.ts");
  raw.reconcileFloor = reconcileFloor;
  rows.push(reconcileFloorRow(reconcileFloor));
  const measured = stores.cases.map((s) => ({ store: s.name, ...(raw[s.name] as { ingest: IngestFigures; reconcile: ReconcileFigures }) }));
  rows.push(...againstFloorRows(measured, floor.find((f) => f.step === "all")!, reconcileFloor));
  console.error(`bench: floor done at ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const s of stores.skipped) rows.push({ section: "all", measure: "not measured", store: s.name, value: undefined, unit: "", note: s.why });
  await Promise.all([ingestSim.close(), reconcileSim.close()]);

  const parse = benchParse();
  raw.parse = parse;
  const stages = Object.entries(parse.stages).map(([stage, us]) => `${stage} ${us.toFixed(1)}`).join(", ");
  rows.push({ section: "parse", measure: "parseCdrBatch, realistic 10-record batch", store: "-", value: parse.usPerRecord, unit: "µs/record", note: `${parse.bytesPerRecord.toFixed(0)} B/record; ${stages}` });

  const workers = await benchWorkers();
  raw.workers = workers;
  rows.push(
    workers.ok
      ? { section: "workers", measure: "bundle (wrangler --dry-run), gzip", store: "-", value: workers.gzipKib, unit: "KiB", note: `${workers.kib.toFixed(0)} KiB before gzip` }
      : { section: "workers", measure: "bundle (wrangler --dry-run), gzip", store: "-", value: undefined, unit: "", note: workers.why },
  );
} finally {
  await stores.done();
  await rm(ca.dir, { recursive: true, force: true });
}

const seconds = (performance.now() - started) / 1000;
console.log(formatTable(rows));
const misses = rows.filter((r) => r.pass === false).length;
console.log(`\n${rows.filter((r) => r.pass).length} PASS, ${misses} MISS; ${seconds.toFixed(0)} s; machine: ${JSON.stringify(before)}`);
writeJson(OUT, { when: new Date().toISOString(), seconds, machine: before, loadAverageAfter: machine().loadAverage, cmsLatencyMs: CMS_LATENCY_MS, rows, raw });
console.log(`written to ${OUT}`);

function ingestRows(store: StoreName, f: IngestFigures, probe: FsProbe | undefined): Row[] {
  const section = "ingest";
  const primary = store === "memory";
  const e = f.economy;
  const ops = f.storeOpsPerRecord;
  const perRecord = Object.values(ops).reduce((a, b) => a + b, 0);
  return [
    { section, measure: `records/s, ${MEETINGS.toLocaleString("en-US")} meetings, 2 nodes, batches of 10`, store, value: f.recordsPerS, unit: "rec/s", ...(store === "redis" ? {} : atLeast(f.recordsPerS, primary ? 5000 : 2000)) },
    { section, measure: "service CPU per record (banner writes included)", store, value: f.cpuUsPerRecord, unit: "µs", note: `one core allows ${Math.round(1e6 / f.cpuUsPerRecord).toLocaleString("en-US")} rec/s` },
    {
      section,
      measure: `records/s, first pass: the first ${MEETINGS.toLocaleString("en-US")} meetings after start-up (not the budget line)`,
      store,
      value: f.firstPass.recordsPerS,
      unit: "rec/s",
      note: `service CPU ${f.firstPass.cpuUsPerRecord.toFixed(0)} µs per record while V8 still compiles; the line above is after ${WARM_ROUNDS} such rounds`,
    },
    { section, measure: "store calls per record (banner writes included)", store, value: perRecord, unit: "", note: Object.entries(ops).map(([m, n]) => `${m} ${n.toFixed(2)}`).join(", ") },
    ...(probe ? [fsCeilingRow(store, probe, ops)] : []),
    { section, measure: "POST latency p50", store, value: f.p50, unit: "ms" },
    { section, measure: "POST latency p99", store, value: f.p99, unit: "ms", ...(primary ? atMost(f.p99, 20) : {}) },
    { section, measure: "first POST → every meeting shows its banner", store, value: f.allBannersMs, unit: "ms" },
    { section, measure: "last POST → all banners right", store, value: f.afterLastPostMs, unit: "ms", ...(primary ? atMost(f.afterLastPostMs, 1000) : {}) },
    { section: "economy", measure: "CMS reads per meeting (callStart seen)", store, value: e.reads / MEETINGS, unit: "", ...atMost(e.reads, 0) },
    {
      section: "economy",
      measure: "CMS writes per meeting (2 banner changes: set, clear)",
      store,
      value: e.writes / MEETINGS,
      unit: "",
      budget: "1 per change",
      // One write per change: each call's one set, and one clear unless the call ended first.
      pass: e.writes === 2 * MEETINGS - e.clearsSkipped && e.callsOff === 0 && e.repeats === 0 && e.refused === 0,
      note: e.callsOff
        ? `${e.callsOff} calls off, e.g. ${e.example}`
        : `${e.repeats} repeated, ${e.refused} refused; ${e.late} reached a call the simulator had just ended (404); ` +
          `${e.clearsSkipped} not cleared, the call having ended first`,
    },
    { section: "economy", measure: "CMS writes when the banner is unchanged (200 late joiners)", store, value: e.noOpWrites, unit: "", ...atMost(e.noOpWrites, 0) },
  ];
}

/** The fs driver's own cost per key times the service's store calls: the most the fs store can take. */
function fsCeilingRow(store: StoreName, p: FsProbe, ops: Record<string, number>): Row {
  // getItems reads the meeting lists of both ingest nodes.
  const keysRead = (ops.getItem ?? 0) + 2 * (ops.getItems ?? 0);
  const floorUs = (ops.setItem ?? 0) * p.replaceUs + (ops.removeItem ?? 0) * p.removeUs + keysRead * p.readUs;
  return {
    section: "ingest",
    measure: "fs driver alone: CPU per key write (journal append)",
    store,
    value: p.replaceUs,
    unit: "µs",
    note:
      `read ${p.readUs.toFixed(0)} µs, remove ${p.removeUs.toFixed(0)} µs → store I/O alone caps ingest at ${Math.round(1e6 / floorUs).toLocaleString("en-US")} rec/s; ` +
      `${p.writesPerAppend.toFixed(1)} writes per append; with fdatasync ${p.syncReplaceUs.toFixed(0)} µs, ${p.syncAppendMs.toFixed(2)} ms per append`,
  };
}

/**
 * The least any receiver on the fixed stack spends, measured under the ingest bench's load. The
 * last step is the floor proper: one core cannot go faster than 1e6 / its CPU per record, and
 * both cores, shared with the senders and the simulated CMS, not faster than 2e6 / (both).
 */
function floorRows(figures: FloorFigures[]): Row[] {
  // A function's own constant: the rows are built while this module's top level still runs.
  const FLOOR_MEASURES: Record<FloorStep, string> = {
    http: "receiver floor: HTTP alone (@hono/node-server + Hono, body read)",
    parse: "receiver floor: + parseCdrBatch (plain XML reader, valibot)",
    all: "receiver floor: + 1 store write per record, 1 CMS PUT per banner change",
  };
  return figures.map((f) => {
    const oneCore = 1e6 / f.cpuUsPerRecord;
    const bothCores = 2e6 / (f.cpuUsPerRecord + f.loadCpuUsPerRecord);
    const n = (x: number) => Math.round(x).toLocaleString("en-US");
    return {
      section: "floor",
      measure: FLOOR_MEASURES[f.step],
      store: f.step === "all" ? "memory" : "-",
      value: f.cpuUsPerRecord,
      unit: "µs/record",
      note:
        `${n(f.recordsPerS)} rec/s reached, p99 ${f.p99.toFixed(1)} ms; one core allows ${n(oneCore)} rec/s` +
        (f.step === "all" ? `; senders + simulated CMS ${n(f.loadCpuUsPerRecord)} µs/record, so both cores allow ${n(bothCores)}` : ""),
    };
  });
}

/**
 * The service against the floors of the same run: the figure that moves least when the machine's
 * speed does (docs/performance.md, "The machine"), so the one to compare between runs.
 */
function againstFloorRows(
  measured: { store: StoreName; ingest: IngestFigures; reconcile: ReconcileFigures }[],
  receiver: FloorFigures,
  reconcile: ReconcileFigures,
): Row[] {
  return measured.flatMap((m) => [
    { section: "floor", measure: "service ÷ receiver floor, CPU per record", store: m.store, value: m.ingest.cpuUsPerRecord / receiver.cpuUsPerRecord, unit: "×", note: "the floor measured after the stores, so a change of machine speed in between shows here too" },
    { section: "floor", measure: "service ÷ reconcile floor, time until all banners are right", store: m.store, value: m.reconcile.allRightMs / reconcile.allRightMs, unit: "×" },
  ]);
}

/** The cold start with nothing but its CMS requests: what any reconcile on this stack and simulator needs at least. */
function reconcileFloorRow(f: ReconcileFigures): Row {
  return {
    section: "floor",
    measure: `reconcile floor: the requests alone (list, call, legs, each leg, PUT), ${RECONCILE_CALLS.toLocaleString("en-US")} calls on 4 nodes`,
    store: "-",
    value: f.allRightMs / 1000,
    unit: "s",
    note:
      `${(f.readsPerCall + f.writesPerCall).toFixed(2)} requests per call; client CPU ${f.cpuMsPerCall.toFixed(2)} ms per call, ` +
      `simulated CMS ${f.simCpuMsPerCall.toFixed(2)} ms per call; peak ${f.peakInFlightPerNode} in flight per node`,
  };
}

function reconcileRows(store: StoreName, f: ReconcileFigures): Row[] {
  const section = "reconcile";
  return [
    { section, measure: `cold start, ${RECONCILE_CALLS.toLocaleString("en-US")} calls × 5 legs on 4 nodes → all banners right`, store, value: f.allRightMs / 1000, unit: "s", ...atMost(f.allRightMs / 1000, 5), note: `first banner ${(f.firstRightMs / 1000).toFixed(2)} s, half ${(f.halfRightMs / 1000).toFixed(1)} s; run ${(f.runMs / 1000).toFixed(1)} s, CMS latency ${CMS_LATENCY_MS} ms` },
    { section, measure: "peak requests in flight per node", store, value: f.peakInFlightPerNode, unit: "", ...atMost(f.peakInFlightPerNode, 8) },
    { section, measure: "CMS requests per call (reads + writes)", store, value: f.readsPerCall + f.writesPerCall, unit: "", note: `${f.readsPerCall.toFixed(1)} reads, ${f.writesPerCall.toFixed(1)} writes` },
    { section, measure: "service CPU per call", store, value: f.cpuMsPerCall, unit: "ms", note: `simulator ${f.simCpuMsPerCall.toFixed(1)} ms` },
  ];
}

function memoryRows(store: StoreName, f: IngestFigures): Row[] {
  const section = "memory";
  const m = f.memory;
  const heapPer = (m.live.heapUsed - m.empty.heapUsed) / m.liveMeetings;
  const mib = (b: number) => b / 2 ** 20;
  const grown = (cls: string) => {
    const live = m.storeLive.byClass[cls] ?? { keys: 0, bytes: 0 };
    const empty = m.storeEmpty.byClass[cls] ?? { keys: 0, bytes: 0 };
    return { keys: live.keys - empty.keys, bytes: live.bytes - empty.bytes };
  };
  // Audit entries are history: one per banner change, kept AUDIT_RETENTION_DAYS whether the
  // meeting lives or not. The live-meeting budget is the call state; the audit has its own line.
  const audit = grown("audit");
  const stateBytes = m.storeLive.bytes - m.storeEmpty.bytes - audit.bytes;
  const statePer = stateBytes / m.liveMeetings;
  const withAudit = (stateBytes + audit.bytes) / m.liveMeetings;
  const classes = Object.keys(m.storeLive.byClass)
    .filter((cls) => cls !== "audit")
    .map((cls) => [cls, grown(cls).bytes / m.liveMeetings] as const)
    .filter(([, b]) => b > 1)
    .sort((a, b) => b[1] - a[1])
    .map(([cls, b]) => `${cls} ${Math.round(b)}`)
    .join(", ");
  return [
    { section, measure: "heap / RSS, 0 live meetings", store, value: mib(m.empty.heapUsed), unit: "MiB", note: `RSS ${mib(m.empty.rss).toFixed(0)} MiB` },
    {
      section,
      measure: `heap / RSS, ${m.liveMeetings.toLocaleString("en-US")} live meetings`,
      store,
      value: mib(m.live.heapUsed),
      unit: "MiB",
      note: `RSS ${mib(m.live.rss).toFixed(0)} MiB${m.liveMeetings < LIVE_FOR_MEMORY ? "; fewer than 5,000: the store took no more in the time allowed" : ""}`,
    },
    { section, measure: "heap per live meeting", store, value: heapPer / KIB, unit: "KiB", ...atMost(heapPer / KIB, 5) },
    {
      section,
      measure: "store per live meeting (call state: keys + JSON)",
      store,
      value: statePer / KIB,
      unit: "KiB",
      ...atMost(statePer / KIB, 1),
      note: `bytes: ${classes}; with its audit entry ${Math.round(withAudit).toLocaleString("en-US")} B`,
    },
    {
      section,
      measure: "store per banner change (audit entry: key + JSON)",
      store,
      value: audit.keys > 0 ? audit.bytes / audit.keys : undefined,
      unit: "B",
      note: `${audit.keys.toLocaleString("en-US")} entries; kept AUDIT_RETENTION_DAYS, whether the meeting lives or not`,
    },
  ];
}
