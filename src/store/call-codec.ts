/**
 * How a call document is written: what the key already says (call id, node) and what is only
 * ever a default (false flags, `source: "cdr"`) is
 * left out, and put back on reading. A live meeting's documents are most of the store, and Redis
 * memory, so every field counted per leg matters.
 */
import type { CallFact, LegFact } from "../core/model.ts";
import type { CallDoc } from "./state.ts";

type Stored<T> = Partial<T>;

const FLAGS = ["guest", "recording", "streaming", "inIvr", "deactivated"] as const;

export function encodeCall(doc: CallDoc): Record<string, unknown> {
  const { id: _id, nodeKey: _node, ...call } = doc.call;
  const legs: Record<string, Stored<LegFact>> = {};
  for (const [legId, leg] of Object.entries(doc.legs)) {
    const { id: _l, nodeKey: _n, callId: _c, ...rest } = leg;
    const out: Stored<LegFact> = { ...rest };
    for (const flag of FLAGS) if (!out[flag]) delete out[flag];
    if (out.source === "cdr") delete out.source;
    legs[legId] = out;
  }
  if (call.source === "cdr") delete (call as Stored<CallFact>).source;
  return doc.ended && Object.keys(doc.ended).length ? { call, legs, ended: doc.ended } : { call, legs };
}

export function decodeCall(raw: unknown, nodeKey: string, callId: string): CallDoc | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as { call: Stored<CallFact>; legs?: Record<string, Stored<LegFact>>; ended?: Record<string, number> };
  const call = { source: "cdr", ...r.call, id: callId, nodeKey } as CallFact;
  const legs: Record<string, LegFact> = {};
  for (const [legId, leg] of Object.entries(r.legs ?? {})) {
    legs[legId] = {
      guest: false,
      recording: false,
      streaming: false,
      inIvr: false,
      deactivated: false,
      source: "cdr",
      ...leg,
      id: legId,
      nodeKey,
      callId,
    } as LegFact;
  }
  return r.ended ? { call, legs, ended: r.ended } : { call, legs };
}
