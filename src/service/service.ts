/**
 * The service, assembled from injected parts: a Storage, fetch options for the CMS (a trusted CA,
 * on Node an undici dispatcher), a log sink and a clock. Runtime entries build those and call
 * this; nothing here knows which runtime it is on.
 */
import type { Storage } from "unstorage";
import { createCmsClient, type CmsTransportOptions } from "../cms/client.ts";
import type { Config } from "../config.ts";
import { isOwnText } from "../core/banner.ts";
import type { Batch } from "../core/records.ts";
import { createAuditLog } from "../store/audit.ts";
import { createStateStore } from "../store/state.ts";
import { createApplier, type BannerChange } from "./applier.ts";
import { createCounters } from "./counters.ts";
import { createEventHub } from "./event-hub.ts";
import { createHealth } from "./health.ts";
import { createRequestMetrics } from "./request-metrics.ts";
import { createHistograms } from "./histograms.ts";
import { ingestBatch, type IngestResult } from "./ingest.ts";
import { createKeyedMutex, type KeyedMutex } from "./keyed-mutex.ts";
import { createUnseenLegEnds } from "./unseen-leg-ends.ts";
import { errorText, type Logger } from "./log.ts";
import { createNodeKeys } from "./node-keys.ts";
import { createNodeResolver } from "./node-resolver.ts";
import { createReconciler } from "./reconciler.ts";

export interface ServiceDeps {
  config: Config;
  storage: Storage;
  log: Logger;
  /** The runtime's HTTP side for the CMS client: undici on Node, a Deno HttpClient for ofetch. */
  cmsTransport?: CmsTransportOptions;
  /** Orders writes per key; across instances when the store is shared (Redis leases). */
  locks?: KeyedMutex;
  now?: () => number;
  onBannerChange?: (change: BannerChange) => void;
  /** How long a meeting's banner run waits for more changes to it (default BANNER_WINDOW_MS; 0 = at once). */
  bannerWindowMs?: number;
  /**
   * What describes this instance. On Workers a service object lasts one request (workerd lets no
   * promise or I/O cross requests), so the entry keeps these for the isolate and hands them in.
   */
  telemetry?: Telemetry;
}

export type Service = ReturnType<typeof createService>;

export type Telemetry = ReturnType<typeof createTelemetry>;

export function createTelemetry(config: Config) {
  return { counters: createCounters(), histograms: createHistograms(), health: createHealth(config.nodes.map((n) => n.name)) };
}

/** Report fields that count what the CMS knew and our picture did not: drift, corrected. */
const DRIFT = ["callsAdded", "callsRemoved", "legsAdded", "legsRemoved", "messagesCorrected"] as const;

export function createService(deps: ServiceDeps) {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const { counters, histograms, health } = deps.telemetry ?? createTelemetry(config);
  const countRequest = createRequestMetrics({ counters, histograms, health, now });
  const events = createEventHub();
  const mutex = deps.locks ?? createKeyedMutex();
  const audit = createAuditLog(deps.storage);
  const cms = createCmsClient({
    username: config.cms.username,
    password: config.cms.password,
    timeoutMs: config.cms.timeoutMs,
    accessClientId: config.cms.accessClientId,
    accessClientSecret: config.cms.accessClientSecret,
    transport: deps.cmsTransport,
    now,
    onRequest: (e) => {
      countRequest(e);
      if (e.outcome !== "ok") log.debug("CMS request failed", { ...e });
    },
  });
  // Memory and fs stores belong to this process alone (several instances need Redis); leases
  // injected mean a store shared with other instances, whatever its kind. Workers' KV is shared
  // without leases, and Deno KV may be remote: neither is memory or fs.
  const soleWriter = !deps.locks && (config.storage.kind === "memory" || config.storage.kind === "fs");
  const state = createStateStore(deps.storage, {
    soleWriter,
    onMirrorFailed: (err) => log.warn("store copy not loaded; every read goes to the store", { error: errorText(err) }),
  });
  const nodeKeys = createNodeKeys({ state, mutex, configured: config.nodes.map((n) => n.name), soleWriter });
  const resolver = createNodeResolver({ nodes: config.nodes, state, cms, log });
  const applier = createApplier({
    state, cms, resolver, policy: config.policy, log, mutex, nodeKeys, now,
    windowMs: deps.bannerWindowMs,
    readBeforeWrite: config.cms.readBeforeWrite,
    retryMaxMs: config.applyRetryMaxS * 1000,
    ownText: (text) => isOwnText(text, config.policy),
    onChange: async (change) => {
      counters.inc("banner_writes", { node: change.node, result: change.to ? "set" : "cleared" });
      events.publish({ type: "banner", meetingId: change.meetingId, node: change.node, at: change.at });
      deps.onBannerChange?.(change);
      // The banner is set either way; a lost audit entry is logged, never retried as banner work.
      await audit.record(change).catch((err) => log.warn("audit entry not stored", { meeting: change.meetingId, error: errorText(err) }));
    },
    onWriteFailed: (node, result) => counters.inc("banner_writes", { node, result }),
  });
  const unseenLegEnds = createUnseenLegEnds();
  const reconciler = createReconciler({ state, cms, resolver, applier, nodeKeys, policy: config.policy, log, mutex, nodes: config.nodes, now, unseenLegEnds });
  let timer: ReturnType<typeof setInterval> | undefined;
  // Batches being stored or handed on: a graceful stop lets them finish.
  const inHand = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inHand.add(work);
    void work.finally(() => inHand.delete(work)).catch(() => undefined);
    return work;
  };

  const reconcile = async (reason: string) => {
    const report = await reconciler.run(reason).then(
      (r) => {
        counters.inc("reconcile_runs", { outcome: r.failedNodes.length ? "partial" : "ok" });
        for (const kind of DRIFT) if (r[kind] > 0) counters.inc("reconcile_drift", { kind }, r[kind]);
        return r;
      },
      (err) => {
        counters.inc("reconcile_runs", { outcome: "failed" });
        log.error("reconcile failed", { reason, error: errorText(err) });
        return undefined;
      },
    );
    await pruneAudit();
    events.publish({ type: "reconcile", at: now() });
    return report;
  };

  // With the reconciler rather than on the CDR path: it lists keys, which intake never does.
  const pruneAudit = () =>
    audit.prune(now(), config.auditRetentionDays).then(
      (removed) => removed && log.info("audit entries pruned", { removed, retentionDays: config.auditRetentionDays }),
      (err) => log.warn("audit pruning failed", { error: errorText(err) }),
    );

  return {
    config, log, counters, histograms, health, events, audit, state, cms, resolver, applier, reconciler, now,

    /** Stores a batch's effect; serialised per node, because one node's records form one ordered stream. */
    ingest: (batch: Batch, nodeKey: string): Promise<IngestResult> => track(ingest(batch, nodeKey)),
    afterIngest: (result: IngestResult, nodeKey: string): Promise<void> => track(afterIngest(result, nodeKey)),
    reconcile,

    /** Reconcile now and then every RECONCILE_INTERVAL_S (0 = only at start-up and on demand). */
    start() {
      void reconcile("start-up");
      if (config.reconcileIntervalS > 0) timer = setInterval(() => void reconcile("timer"), config.reconcileIntervalS * 1000);
    },

    /** Stop the timer; let the batches in hand and their banner writes finish, within a bounded time. */
    async stop(graceMs = 5000) {
      if (timer) clearInterval(timer);
      let t: ReturnType<typeof setTimeout> | undefined;
      const drained = (async () => {
        while (inHand.size) await Promise.allSettled([...inHand]);
        await applier.idle();
      })();
      await Promise.race([drained, new Promise((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
      applier.stop();
    },

    async readiness(): Promise<{ ready: boolean; store: string }> {
      try {
        await state.ping(now());
        return { ready: true, store: "ok" };
      } catch (err) {
        return { ready: false, store: errorText(err) };
      }
    },
  };

  async function ingest(batch: Batch, nodeKey: string): Promise<IngestResult> {
    const key = (await resolver.known(nodeKey))?.name ?? nodeKey;
    const result = await mutex.run(key, async () => {
      const done = await ingestBatch(state, batch, key, now(), config.policy);
      // Still under the node's lease, so that a reconcile merging this node's calls sees them.
      for (const legId of done.unseenLegEnds) unseenLegEnds.add(key, legId, now());
      return done;
    });
    // Meetings are looked up per nodeKey; a source not yet resolved to a node must be listed.
    if (result.touchedMeetings || result.work.size) await nodeKeys.add(key);
    return result;
  }

  /** After the 200: hand the changed meetings to the applier, and resync if CMS lost records. */
  async function afterIngest(result: IngestResult, nodeKey: string) {
    for (const { item, cause } of result.work.values()) applier.enqueue(item, cause);
    for (const call of result.endedCalls) {
      const node = await resolver.known(call.nodeKey);
      if (node) await state.deleteApplied(node.name, call.id).catch((err) => log.warn("applied record not removed", { error: errorText(err) }));
    }
    if (result.recordsMissing > 0) {
      counters.inc("cdr_records_missing", { node: nodeKey }, result.recordsMissing);
      log.warn("CMS discarded records; reconciling", { node: nodeKey, missing: result.recordsMissing });
      await reconcile("records missing");
      // The corrections were queued after the answer; on Workers this promise is what waitUntil
      // keeps alive, so it lasts until they are written. (The Worker's own settle covers the rest.)
      await applier.idle();
    }
    // No wait for the applier otherwise: under steady traffic it is never idle, and one waiting
    // promise per batch would pile up in `inHand` for as long as the traffic lasted.
  }
}
