/**
 * Rebuilds the picture from the CMS itself whenever it may be wrong: at start-up, on a timer, and
 * right after CMS reports lost records. Calls and legs the CDRs never told us about are added,
 * those that ended unseen are dropped, and what each call shows is compared with what we think we
 * applied. Each meeting goes to the applier, which writes only the difference, as soon as every
 * call the nodes list for it is read; the rest at the end of the run.
 *
 * Anything stored after the run began is left alone: a CDR that arrived meanwhile knows better
 * than a list fetched a moment ago.
 */
import type { ApiCallSummary, CmsClient, CmsNode } from "../cms/client.ts";
import { CmsError } from "../cms/errors.ts";
import { isOwnText } from "../core/banner.ts";
import { idRecord, valuesOf } from "../core/id-record.ts";
import type { LegFact, Policy } from "../core/model.ts";
import { isUnresolved, meetingIdOf } from "../store/keys.ts";
import type { CallDoc, StateStore } from "../store/state.ts";
import type { Applier } from "./applier.ts";
import type { KeyedMutex } from "./keyed-mutex.ts";
import { errorText, type Logger } from "./log.ts";
import type { NodeKeys } from "./node-keys.ts";
import type { NodeResolver } from "./node-resolver.ts";
import { callFromApi, legFromApi } from "./api-facts.ts";
import { createFedQueue } from "./fed-queue.ts";
import { adoptMessage } from "./reconcile-message.ts";
import type { UnseenLegEnds } from "./unseen-leg-ends.ts";

export interface ReconcileReport {
  reason: string;
  startedAt: number;
  ms: number;
  calls: number;
  callsAdded: number;
  callsRemoved: number;
  legsAdded: number;
  legsRemoved: number;
  messagesCorrected: number;
  failedNodes: string[];
}

/** What one run shares between its nodes and calls. */
interface RunContext {
  report: ReconcileReport;
  /** Pending legs as read at the start, by `<nodeKey>:<legId>`. */
  pending: Map<string, LegFact>;
  /** Meetings the run has seen: each goes to the applier once its listed calls are read, or at the end. */
  meetings: Set<string>;
}

/** Told of each listed call's meeting when the call is listed, and when it is stored or skipped. */
interface Tally {
  listed(meetingId: string): void;
  done(meetingId: string): void;
}

/**
 * Calls read at once per node during a run: as many as the node's limiter lets requests through.
 * Each call asks 2 requests and then 5, so 8 calls keep the 8 slots busy; more only wait in the
 * limiter. With 16 the bench's reconcile cost 0.32 ms more CPU per call and was no faster, with
 * the simulated CMS answering in 2 ms or in 20 (docs/performance.md, seventh round).
 */
const CALLS_AT_ONCE = 8;

/** A leg waiting this long without a call (IVR, lost callLegEnd) is forgotten. */
const PENDING_TTL_MS = 60 * 60 * 1000;

export function createReconciler(deps: {
  state: StateStore;
  cms: CmsClient;
  resolver: NodeResolver;
  applier: Applier;
  nodeKeys: NodeKeys;
  policy: Policy;
  log: Logger;
  mutex: KeyedMutex;
  nodes: CmsNode[];
  now: () => number;
  /** Legs whose callLegEnd came while we did not know them: not to be added after it. */
  unseenLegEnds: UnseenLegEnds;
}) {
  const { state, cms, resolver, log, mutex, now, policy } = deps;
  let last: ReconcileReport | undefined;
  const ownText = (text: string) => isOwnText(text, policy);

  async function run(reason: string): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      reason, startedAt: now(), ms: 0, calls: 0, callsAdded: 0, callsRemoved: 0,
      legsAdded: 0, legsRemoved: 0, messagesCorrected: 0, failedNodes: [],
    };
    const docs = await state.allCalls();
    // Read once for the run rather than once per leg; a leg a CDR leaves pending after this read
    // is asked of the API instead, which knows it as well.
    const pendingLegs = await state.allPending();
    const ctx: RunContext = { report, pending: new Map(pendingLegs.map((l) => [`${l.nodeKey}:${l.id}`, l])), meetings: new Set() };
    const byNode = new Map<string, CallDoc[]>();
    for (const doc of docs) {
      if (!doc.call.stub) ctx.meetings.add(meetingIdOf(doc.call));
      const node = await resolver.resolve(doc.call.nodeKey, doc.call.id).catch(() => undefined);
      if (node) byNode.set(node.name, [...(byNode.get(node.name) ?? []), doc]);
    }
    // A meeting goes to the applier once every node's list is read and every call listed for it
    // is stored, not at the end of the run: its banners go out while the rest is read (writes
    // wait ahead of reads, see cms/limiter.ts), and its call documents are still among the
    // recently written (store/recent-docs.ts) when the applier reads them. Never before: a
    // meeting decided on part of its calls could get a banner that the rest then changes.
    const unread = new Map<string, number>();
    const handed = new Set<string>();
    let listsRead = false;
    const hand = (meetingId: string) => {
      if (!listsRead || (unread.get(meetingId) ?? 0) > 0 || handed.has(meetingId) || !ctx.meetings.has(meetingId)) return;
      handed.add(meetingId);
      deps.applier.enqueue({ kind: "meeting", meetingId }, `reconcile (${reason})`);
    };
    const tally: Tally = {
      listed: (meetingId) => unread.set(meetingId, (unread.get(meetingId) ?? 0) + 1),
      done(meetingId) {
        unread.set(meetingId, (unread.get(meetingId) ?? 1) - 1);
        hand(meetingId);
      },
    };
    const nodeRuns = deps.nodes.map((node) => reconcileNode(node, byNode.get(node.name) ?? [], ctx, tally));
    await Promise.all(nodeRuns.map((r) => r.listed));
    listsRead = true;
    for (const meetingId of unread.keys()) hand(meetingId);
    await Promise.all(nodeRuns.map((r) => r.done));
    await forgetStalePending(pendingLegs, report);
    // The meetings known at the start (some lost calls), and any whose calls were not all read;
    // calls that CDRs added meanwhile had their meetings queued by intake.
    for (const meetingId of ctx.meetings) {
      if (!handed.has(meetingId)) deps.applier.enqueue({ kind: "meeting", meetingId }, `reconcile (${reason})`);
    }
    report.ms = now() - report.startedAt;
    log.info("reconciled", { ...report });
    return report;
  }

  /**
   * One node's part of a run. Its calls are read as their page of the list comes, a few at a
   * time, while the rest of the list is read: the lists took 0.25 s of the bench's 3.4 s cold
   * reconcile, with the nodes' request slots idle (docs/performance.md, tenth round). A few at a
   * time because the node's limiter lets 8 requests through anyway, and a call started only
   * when there is room finishes in a few round trips, so that meetings are decided, and their
   * banners set, all through the run rather than all at its end.
   *
   * `listed` settles once the list is read and the calls we knew there and it no longer lists
   * are dropped; `done` once every listed call is stored or skipped. `tally` is told of each call
   * when it is listed and when it is done. A node whose list fails has no more of its calls read.
   */
  function reconcileNode(node: CmsNode, known: CallDoc[], ctx: RunContext, tally: Tally) {
    const { report } = ctx;
    const knownById = new Map(known.map((d) => [d.call.id, d]));
    const calls = createFedQueue<ApiCallSummary>(CALLS_AT_ONCE, async (c) => {
      await reconcileCall(node, c.id, knownById.get(c.id), ctx).catch((err) =>
        log.warn("reconcile: call skipped", { node: node.name, error: errorText(err) }),
      );
      tally.done(meetingIdOf(c));
    });
    const listed = cms
      .listCalls(node, (page) => {
        for (const c of page) tally.listed(meetingIdOf(c));
        calls.add(page);
      })
      .then(
        async (live) => {
          calls.end();
          report.calls += live.length;
          const liveIds = new Set(live.map((c) => c.id));
          for (const doc of known) if (!liveIds.has(doc.call.id)) await dropEnded(doc, node, report);
        },
        (err: unknown) => {
          report.failedNodes.push(node.name);
          log.warn("reconcile: node unreachable", { node: node.name, error: errorText(err) });
          // Listed but not started: left to the next run, like the rest of the node.
          for (const c of calls.cancel()) tally.done(meetingIdOf(c));
        },
      );
    return { listed, done: calls.done };
  }

  /** Forgets a call the CMS no longer has, unless a CDR stored it after the run began. */
  async function dropEnded(doc: CallDoc, node: CmsNode, report: ReconcileReport) {
    await mutex.run(doc.call.nodeKey, async () => {
      const fresh = await state.getCall(doc.call.nodeKey, doc.call.id);
      if (!fresh || fresh.call.seenAt >= report.startedAt) return;
      await state.dropCall(fresh, node.name);
      report.callsRemoved++;
    });
  }

  async function reconcileCall(node: CmsNode, callId: string, known: CallDoc | undefined, ctx: RunContext) {
    const { report } = ctx;
    // One moment for the call and the legs this run finds in it: a leg that carries its call's
    // since and seenAt is stored without them (store/call-codec.ts), and its since is not worked
    // out from a time with milliseconds on every write.
    const seenAt = now();
    const since = new Date(seenAt).toISOString();
    let detail, legs;
    try {
      [detail, legs] = await Promise.all([cms.getCall(node, callId), cms.listCallLegs(node, callId)]);
    } catch (err) {
      // Ended after the list: a call we knew goes as if the list had not shown it.
      if (!(err instanceof CmsError && err.kind === "gone")) throw err;
      if (known) await dropEnded(known, node, report);
      return;
    }
    const nodeKey = known?.call.nodeKey ?? node.name;
    const asked: Promise<LegFact | undefined>[] = [];
    for (const l of legs) {
      if (known?.legs[l.id]) continue;
      const pending = ctx.pending.get(`${nodeKey}:${l.id}`);
      // A pending leg waited outside any call (IVR, or its call unknown): it joins this one.
      asked.push(pending ? Promise.resolve({ ...pending, callId, inIvr: false }) : legDetail(node, l.id, nodeKey, callId, seenAt, since));
    }
    const newLegs = await Promise.all(asked);
    const meetingId = await mutex.run(nodeKey, async () => {
      const doc = (await state.getCall(nodeKey, callId)) ?? undefined;
      const call = callFromApi(detail, nodeKey, doc, seenAt, since);
      const merged: CallDoc = { ...doc, call, legs: idRecord(doc?.legs) };
      // Already known, or left after the list was fetched (a leg we knew, or one whose end came
      // before we stored it): the CDR is newer than our list.
      const added: LegFact[] = [];
      const at = now();
      for (const leg of newLegs) {
        if (leg === undefined || merged.legs[leg.id] || merged.ended?.[leg.id] || deps.unseenLegEnds.has(nodeKey, leg.id, at)) continue;
        merged.legs[leg.id] = leg;
        added.push(leg);
      }
      const gone: LegFact[] = [];
      if (doc) {
        const liveLegIds = new Set(legs.map((l) => l.id));
        for (const leg of valuesOf(merged.legs)) if (!liveLegIds.has(leg.id) && leg.seenAt < report.startedAt) gone.push(leg);
        for (const leg of gone) delete merged.legs[leg.id];
      }
      // Pointers first, then the document, as intake writes them. A pending copy may have been
      // stored after this run's read of them, so each added leg's is looked up again here, under
      // the node's lease, where no batch is writing one: on memory and fs the copy answers that
      // read, where a delete of every added leg's was a store call (and a journal line) per leg.
      const writes: Promise<unknown>[] = [];
      for (const leg of added) {
        writes.push(
          state.putLegCall(nodeKey, leg.id, callId),
          state.getPending(nodeKey, leg.id).then((waiting) => waiting && state.deletePending(nodeKey, leg.id)),
        );
      }
      for (const leg of gone) writes.push(state.deleteLegCall(nodeKey, leg.id));
      await Promise.all(writes);
      report.legsAdded += added.length;
      report.legsRemoved += gone.length;
      if (!doc) report.callsAdded++;
      if (doc && !doc.call.stub && meetingIdOf(doc.call) !== meetingIdOf(call)) await state.removeMeetingCall(doc.call);
      await state.putCall(merged);
      await state.addMeetingCall(call);
      return meetingIdOf(call);
    });
    if (isUnresolved(nodeKey)) await deps.nodeKeys.add(nodeKey);
    ctx.meetings.add(meetingId);
    const adopted = await mutex.run(`meeting:${meetingId}`, () =>
      adoptMessage({ state, node: node.name, call: detail, startedAt: report.startedAt, own: ownText, log }),
    );
    if (adopted) report.messagesCorrected++;
  }

  /**
   * A leg's detail as a fact; undefined when the CMS no longer knows the leg: it left after the
   * leg list was read. One such leg must not cost its whole call this run (its meeting's banner
   * would wait for the next one).
   */
  async function legDetail(node: CmsNode, legId: string, nodeKey: string, callId: string, seenAt: number, since: string): Promise<LegFact | undefined> {
    try {
      return legFromApi(await cms.getCallLeg(node, legId), nodeKey, callId, seenAt, since);
    } catch (err) {
      if (err instanceof CmsError && err.kind === "gone") return undefined;
      throw err;
    }
  }

  /** Pending legs that waited past their time, from the run's read; each is checked again under its node's lease. */
  async function forgetStalePending(pendingLegs: LegFact[], report: ReconcileReport) {
    const cutoff = report.startedAt - PENDING_TTL_MS;
    for (const leg of pendingLegs) {
      if (leg.seenAt >= cutoff) continue;
      await mutex.run(leg.nodeKey, async () => {
        const fresh = await state.getPending(leg.nodeKey, leg.id);
        if (!fresh || fresh.seenAt >= cutoff) return;
        await state.deletePending(leg.nodeKey, leg.id);
        report.legsRemoved++;
      });
    }
  }

  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<ReconcileReport> | undefined;
  return {
    /** One run at a time; requests made during a run share the single run queued after it. */
    run(reason: string): Promise<ReconcileReport> {
      if (queued) return queued;
      const next = chain.then(() => {
        queued = undefined;
        return run(reason);
      });
      queued = next;
      chain = next.catch(() => undefined);
      return next.then((r) => (last = r));
    },
    last: () => last,
  };
}
