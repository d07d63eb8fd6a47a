/**
 * Makes the CMS show what the policy wants: for each call instance of a meeting, compare the
 * desired banner with the one we last applied on that node-call and PUT only the difference.
 * Level-triggered: every run recomputes from the store, so a run that fails, or that two events
 * asked for at once, converges the same way. Work runs after the CDR batch was acknowledged.
 */
import type { CmsClient, CmsNode } from "../cms/client.ts";
import { CmsError } from "../cms/errors.ts";
import type { Banner, BannerChange, Policy } from "../core/model.ts";
import { mapPushed } from "../core/pushed.ts";

export type { BannerChange };
import type { AppliedRecord, CallDoc, StateStore } from "../store/state.ts";
import type { WorkItem } from "./ingest.ts";
import { workKey } from "./ingest.ts";
import type { KeyedMutex } from "./keyed-mutex.ts";
import { errorText, type Logger } from "./log.ts";
import { loadMeeting, type Meeting } from "./meetings.ts";
import type { NodeKeys } from "./node-keys.ts";
import type { NodeResolver } from "./node-resolver.ts";
import { createWorkQueue } from "./work-queue.ts";

export interface ApplierDeps {
  state: StateStore;
  cms: CmsClient;
  resolver: NodeResolver;
  policy: Policy;
  log: Logger;
  mutex: KeyedMutex;
  nodeKeys: NodeKeys;
  now: () => number;
  concurrency?: number;
  /** How long a meeting's banner run waits for more changes to that meeting; 0 runs at once. */
  windowMs?: number;
  retryMaxMs?: number;
  /** Look at what the call shows before each write (CMS_READ_BEFORE_WRITE). */
  readBeforeWrite?: boolean;
  ownText?: (text: string) => boolean;
  /** Awaited, so that what it stores (the audit entry) is kept alive with the banner work. */
  onChange?: (change: BannerChange) => void | Promise<void>;
  /** A write that did not happen: "gone" (call ended meanwhile) or "failed" (will be retried). */
  onWriteFailed?: (node: string, result: "gone" | "failed", err: unknown) => void;
}

export type Applier = ReturnType<typeof createApplier>;

/**
 * A meeting's joins and leaves come in several batches within milliseconds (a wave of CDRs, two
 * nodes posting); waiting this long lets them share one banner run instead of one run each. The
 * budget allows banners to be right within 1 s of the last CDR, so 20 ms costs nothing visible.
 */
export const BANNER_WINDOW_MS = 20;

export function sameBanner(a: Banner | null, b: Banner | null): boolean {
  if (!a || !b) return a === b;
  return a.text === b.text && a.position === b.position && a.duration === b.duration;
}

export function createApplier(deps: ApplierDeps) {
  const { state, cms, resolver, policy, log, mutex, now } = deps;

  const queue = createWorkQueue<WorkItem>({
    concurrency: deps.concurrency ?? 16,
    windowMs: deps.windowMs ?? BANNER_WINDOW_MS,
    retryMaxMs: deps.retryMaxMs,
    key: workKey,
    run: (item, cause) => (item.kind === "meeting" ? applyMeeting(item.meetingId, cause) : learnCall(item.nodeKey, item.callId, cause)),
    onError: (item, err, retryInMs) =>
      log.warn("banner work failed; will retry", { work: workKey(item), error: errorText(err), retryInMs }),
  });

  // One run per meeting at a time across instances: the run that starts last reads the newest
  // state, so no older banner can land after a newer one.
  const applyMeeting = (meetingId: string, cause: () => string) => mutex.run(`meeting:${meetingId}`, () => applyMeetingNow(meetingId, cause));

  async function applyMeetingNow(meetingId: string, cause: () => string) {
    const meeting = await loadMeeting(state, meetingId, await deps.nodeKeys.list(), policy);
    // Arrays made by push (core/pushed.ts).
    const placed = await Promise.allSettled(mapPushed(meeting.calls, (doc) => nodeOf(doc)));
    const found: { doc: CallDoc; node: CmsNode }[] = [];
    const outcomes: PromiseSettledResult<unknown>[] = [];
    placed.forEach((p, i) => {
      if (p.status === "fulfilled") found.push({ doc: meeting.calls[i]!, node: p.value });
      else outcomes.push(p);
    });
    // What we last applied on every node-call of the meeting, in one read.
    const applied = await state.getAppliedMany(mapPushed(found, (f) => ({ node: f.node.name, callId: f.doc.call.id })));
    for (const o of await Promise.allSettled(mapPushed(found, (f, i) => applyCall(meeting, f.doc, f.node, applied[i], cause)))) outcomes.push(o);
    if (outcomes.some((o) => o.status === "fulfilled" && o.value === "gone")) {
      queue.add({ kind: "meeting", meetingId }, "a call of the meeting is gone");
    }
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed.length) throw new AggregateError(failed.map((f) => f.reason), failed.map((f) => errorText(f.reason)).join("; "));
  }

  async function nodeOf(doc: CallDoc): Promise<CmsNode> {
    const node = await resolver.resolve(doc.call.nodeKey, doc.call.id);
    if (!node) throw new Error(`no configured node hosts call ${doc.call.id} (${doc.call.nodeKey})`);
    return node;
  }

  async function applyCall(meeting: Meeting, doc: CallDoc, node: CmsNode, applied: AppliedRecord | undefined, cause: () => string): Promise<"same" | "foreign" | "set" | "gone"> {
    const callId = doc.call.id;
    if (applied?.foreign) return "foreign";
    const current = applied?.banner ?? null;
    const desired = meeting.decision.banner;
    if (sameBanner(current, desired)) return "same";
    try {
      if (deps.readBeforeWrite && (await foreignMessage(node, callId, current))) return "foreign";
      await cms.setCallMessage(node, callId, desired);
    } catch (err) {
      const gone = err instanceof CmsError && err.kind === "gone";
      deps.onWriteFailed?.(node.name, gone ? "gone" : "failed", err);
      if (gone) {
        await forgetCall(doc.call.nodeKey, callId, node.name);
        log.info("call gone on its node; forgotten", { meeting: meeting.id, node: node.name, call: callId });
        return "gone";
      }
      throw err;
    }
    const at = now();
    await (desired ? state.putApplied(node.name, callId, { banner: desired, at }) : state.deleteApplied(node.name, callId));
    // Asked now, after the write: what came for the meeting while this run read and wrote is named too.
    const why = cause();
    const change = { meetingId: meeting.id, meetingName: doc.call.name, node: node.name, callId, from: current?.text ?? "", to: desired?.text ?? "", cause: why, at };
    log.info("banner changed", { meeting: change.meetingId, node: change.node, call: callId, from: change.from, to: change.to, cause: why });
    await deps.onChange?.(change);
    return "set";
  }

  /**
   * Without reconciles in between, an operator may have set a message since we last looked; only
   * a read tells. Costs one GET per write, hence opt-in.
   */
  async function foreignMessage(node: CmsNode, callId: string, ours: Banner | null): Promise<boolean> {
    const shown = (await cms.getCall(node, callId)).message;
    if (!shown?.text || shown.text === ours?.text || deps.ownText?.(shown.text)) return false;
    await state.putApplied(node.name, callId, { banner: null, foreign: shown.text, at: now() });
    log.warn("operator's own message on call; leaving it alone", { node: node.name, call: callId, text: shown.text });
    return true;
  }

  /** A leg named a call whose callStart we never saw: ask its node what meeting it belongs to. */
  async function learnCall(nodeKey: string, callId: string, cause: () => string) {
    const node = await resolver.resolve(nodeKey, callId);
    if (!node) throw new Error(`no configured node hosts call ${callId} (${nodeKey})`);
    let api;
    try {
      api = await cms.getCall(node, callId);
    } catch (err) {
      if (err instanceof CmsError && err.kind === "gone") return forgetCall(nodeKey, callId, node.name);
      throw err;
    }
    const meetingId = await mutex.run(nodeKey, async () => {
      const doc = await state.getCall(nodeKey, callId);
      if (!doc?.call.stub) return undefined;
      const call = {
        ...doc.call,
        name: api.name,
        correlator: api.correlator,
        coSpace: api.coSpace,
        tenant: api.tenant,
        callType: api.callType,
        stub: false,
        source: "api" as const,
        seenAt: now(),
      };
      await state.putCall({ ...doc, call });
      await state.addMeetingCall(call);
      return call.correlator ?? `solo-${call.id}`;
    });
    if (meetingId) queue.add({ kind: "meeting", meetingId }, cause());
  }

  async function forgetCall(nodeKey: string, callId: string, node: string) {
    await mutex.run(nodeKey, async () => {
      const doc = await state.getCall(nodeKey, callId);
      if (doc) await state.dropCall(doc, node);
      else await state.deleteApplied(node, callId);
    });
  }

  return {
    enqueue: (item: WorkItem, cause: string) => queue.add(item, cause),
    idle: () => queue.idle(),
    status: () => queue.status(),
    stop: () => queue.stop(),
  };
}
