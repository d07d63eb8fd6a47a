/**
 * How a call document, and a leg waiting for its call, are written. A live meeting's call document
 * is most of its store bytes (and of Redis memory), so it holds only what cannot be worked out
 * again on reading:
 * - not what its key says: the node and call id; a leg's id is its entry's name, its call the document's;
 * - not defaults: false flags, source "cdr", direction "incoming", callType "coSpace";
 * - not what repeats the call: a leg's source when it is the call's, its since and seenAt as the
 *   difference from the call's (nothing when there is none); remoteAddress when it is the remoteParty;
 * - one-letter field names, and ids packed (id-codec.ts).
 *
 * Call: n name · t callType · s coSpace · m correlator · u tenant · a since · w seenAt · o source ·
 *   x stub · l legs (by packed leg id) · e legs that ended lately (packed leg id → our ms).
 * Leg: n displayName · p remoteParty · r remoteAddress · t type · u subType · y lyncSubType ·
 *   d direction · f flags (guest 1, recording 2, streaming 4, inIvr 8, deactivated 16) · a since
 *   (seconds after the call's, or the time as written) · w seenAt minus the call's · o source ·
 *   c callId (a waiting leg's only).
 *
 * A field with a default but no value is written as null. Reading is tolerant: a missing field
 * takes its default, an unknown one is ignored, and a value that is not an object is no document.
 */
import { idRecord } from "../core/id-record.ts";
import type { CallFact, FactSource, LegFact } from "../core/model.ts";
import { packId, unpackId } from "./id-codec.ts";
import type { CallDoc } from "./state.ts";
import { secondsAfter, timeAfter } from "./utc-time.ts";

interface StoredCall {
  n?: string;
  t?: string | null;
  s?: string;
  m?: string;
  u?: string;
  a?: string;
  w?: number;
  o?: FactSource;
  x?: 1;
  l?: Record<string, StoredLeg>;
  e?: Record<string, number>;
}

interface StoredLeg {
  n?: string;
  p?: string;
  r?: string | null;
  t?: string;
  u?: string;
  y?: string;
  d?: string | null;
  c?: string;
  f?: number;
  a?: string | number;
  w?: number;
  o?: FactSource;
}

const CALL_TYPE = "coSpace";
const DIRECTION = "incoming";

/** What a leg's missing since, seenAt and source stand for: its call's, or for a waiting leg none. */
export type LegBase = Pick<CallFact, "seenAt" | "source"> & { since?: string };
const WAITING: LegBase = { seenAt: 0, source: "cdr" };

/** A value with a default: left out when it is the default, null when there is none. */
const orDefault = (value: string | undefined, def: string) => (value === def ? undefined : (value ?? null));
/** The reverse: missing is the default, null is none. */
const fromDefault = (stored: string | null | undefined, def: string) => (stored === undefined ? def : (stored ?? undefined));

const isObject = (raw: unknown): raw is Record<string, unknown> => typeof raw === "object" && raw !== null && !Array.isArray(raw);

/**
 * The stored form, field by field: the reference. The store is handed its JSON text as
 * call-text.ts builds it, faster, and a test holds that text to this one.
 */
export function encodeCall(doc: CallDoc): StoredCall {
  const legs: Record<string, StoredLeg> = {};
  for (const [legId, leg] of Object.entries(doc.legs)) legs[packId(legId)] = encodeLeg(leg, doc.call);
  const ended = Object.entries(doc.ended ?? {});
  return {
    ...encodeCallHead(doc.call),
    l: Object.keys(legs).length ? legs : undefined,
    e: ended.length ? Object.fromEntries(ended.map(([legId, ms]) => [packId(legId), ms])) : undefined,
  };
}

/** The call's own fields, without its legs (l) and the legs that ended (e). */
export function encodeCallHead(c: CallFact): StoredCall {
  // JSON leaves out the fields that are undefined.
  return {
    n: c.name || undefined,
    t: orDefault(c.callType, CALL_TYPE),
    s: c.coSpace === undefined ? undefined : packId(c.coSpace),
    m: c.correlator === undefined ? undefined : packId(c.correlator),
    u: c.tenant === undefined ? undefined : packId(c.tenant),
    a: c.since,
    w: c.seenAt,
    o: c.source === "cdr" ? undefined : c.source,
    x: c.stub ? 1 : undefined,
  };
}

export function decodeCall(raw: unknown, nodeKey: string, callId: string): CallDoc | undefined {
  if (!isObject(raw)) return undefined;
  const r = raw as StoredCall;
  const call: CallFact = { id: callId, nodeKey, name: r.n ?? "", since: r.a ?? "", seenAt: r.w ?? 0, source: r.o ?? "cdr" };
  const callType = fromDefault(r.t, CALL_TYPE);
  if (callType !== undefined) call.callType = callType;
  if (r.s !== undefined) call.coSpace = unpackId(r.s);
  if (r.m !== undefined) call.correlator = unpackId(r.m);
  if (r.u !== undefined) call.tenant = unpackId(r.u);
  if (r.x) call.stub = true;
  const legs = idRecord<LegFact>();
  for (const [packed, leg] of Object.entries(isObject(r.l) ? r.l : {})) {
    const legId = unpackId(packed);
    const fact = decodeLeg(isObject(leg) ? leg : {}, legId, nodeKey, call);
    fact.callId = callId;
    legs[legId] = fact;
  }
  if (!isObject(r.e)) return { call, legs };
  const ended = idRecord<number>();
  for (const [packed, ms] of Object.entries(r.e)) ended[unpackId(packed)] = ms;
  return { call, legs, ended };
}

/** A leg waiting for its call (`p:` keys): the same fields, with its call id if it named one. */
export function encodeWaitingLeg(leg: LegFact): StoredLeg {
  return { ...encodeLeg(leg, WAITING), c: leg.callId === undefined ? undefined : packId(leg.callId) };
}

export function decodeWaitingLeg(raw: unknown, nodeKey: string, legId: string): LegFact | undefined {
  if (!isObject(raw)) return undefined;
  const r = raw as StoredLeg;
  const leg = decodeLeg(r, legId, nodeKey, WAITING);
  if (r.c !== undefined) leg.callId = unpackId(r.c);
  return leg;
}

export function encodeLeg(leg: LegFact, base: LegBase): StoredLeg {
  const flags = (leg.guest ? 1 : 0) | (leg.recording ? 2 : 0) | (leg.streaming ? 4 : 0) | (leg.inIvr ? 8 : 0) | (leg.deactivated ? 16 : 0);
  return {
    n: leg.displayName,
    p: leg.remoteParty,
    r: leg.remoteAddress === leg.remoteParty ? undefined : (leg.remoteAddress ?? null),
    t: leg.type,
    u: leg.subType,
    y: leg.lyncSubType,
    d: orDefault(leg.direction, DIRECTION),
    f: flags || undefined,
    a: leg.since === base.since ? undefined : sinceAfter(base.since, leg.since),
    w: leg.seenAt === base.seenAt ? undefined : leg.seenAt - base.seenAt,
    o: leg.source === base.source ? undefined : leg.source,
  };
}

// Fields are added only when they have a value (no `delete`, which would slow every later read of
// the object), so that what is read back equals what was written.
function decodeLeg(r: StoredLeg, id: string, nodeKey: string, base: LegBase): LegFact {
  const flags = typeof r.f === "number" ? r.f : 0;
  const leg: LegFact = {
    id,
    nodeKey,
    guest: (flags & 1) !== 0,
    recording: (flags & 2) !== 0,
    streaming: (flags & 4) !== 0,
    inIvr: (flags & 8) !== 0,
    deactivated: (flags & 16) !== 0,
    since: typeof r.a === "number" && base.since !== undefined ? timeAfter(base.since, r.a) : String(r.a ?? base.since ?? ""),
    seenAt: base.seenAt + (r.w ?? 0),
    source: r.o ?? base.source,
  };
  if (r.n !== undefined) leg.displayName = r.n;
  if (r.p !== undefined) leg.remoteParty = r.p;
  const remoteAddress = r.r === undefined ? r.p : (r.r ?? undefined);
  if (remoteAddress !== undefined) leg.remoteAddress = remoteAddress;
  if (r.t !== undefined) leg.type = r.t;
  if (r.u !== undefined) leg.subType = r.u;
  if (r.y !== undefined) leg.lyncSubType = r.y;
  const direction = fromDefault(r.d, DIRECTION);
  if (direction !== undefined) leg.direction = direction;
  return leg;
}

/**
 * A leg's since as seconds after its call's: CDR times are whole seconds in UTC (DOMAIN §1), and
 * a leg that joined later would otherwise repeat the 20-character time. The time as written when
 * that would not give it back exactly (another format, or no call to count from).
 */
function sinceAfter(callSince: string | undefined, since: string): string | number {
  return (callSince === undefined ? undefined : secondsAfter(callSince, since)) ?? since;
}
