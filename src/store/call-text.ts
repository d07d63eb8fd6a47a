/**
 * A call document's stored text: exactly `JSON.stringify(encodeCall(doc))`, built from one piece
 * per leg, and a leg's piece is kept for as long as the leg object lives. A call is written again
 * on every batch that touches it, and most of its legs are the very objects the last write had
 * (call documents are frozen and shared, state.ts): encoding and writing out every leg each time
 * was a twentieth of the service's CPU per CDR record (docs/performance.md, fourth round).
 *
 * A leg's piece depends on the leg and on its call's since, seenAt and source (call-codec.ts
 * writes the leg's as differences from them), so the piece is kept with the three it was made
 * against and used only while they match. Leg facts are never changed once made (a new fact
 * replaces the old), so the object itself is the rest of the key. The call's own fields are kept
 * the same way, per call fact.
 */
import type { IdRecord } from "../core/id-record.ts";
import type { CallFact, LegFact } from "../core/model.ts";
import { encodeCallHead, encodeLeg, type LegBase } from "./call-codec.ts";
import { packId } from "./id-codec.ts";
import type { CallDoc } from "./state.ts";

/** The base a piece was made against, and the piece: `"<packed id>":{…}`, as it stands in `l`. */
interface LegPiece {
  since: string | undefined;
  seenAt: number;
  source: string;
  text: string;
}

const pieces = new WeakMap<LegFact, LegPiece>();

function pieceOf(legId: string, leg: LegFact, base: LegBase): string {
  const kept = pieces.get(leg);
  if (kept && kept.since === base.since && kept.seenAt === base.seenAt && kept.source === base.source) return kept.text;
  const text = `${JSON.stringify(packId(legId))}:${JSON.stringify(encodeLeg(leg, base))}`;
  pieces.set(leg, { since: base.since, seenAt: base.seenAt, source: base.source, text });
  return text;
}

/** The call's own fields as text, kept per call fact for the same reason as the legs' pieces. */
const heads = new WeakMap<CallFact, string>();

function headOf(call: CallFact): string {
  let head = heads.get(call);
  if (head === undefined) heads.set(call, (head = JSON.stringify(encodeCallHead(call))));
  return head;
}

/**
 * The legs that lately left, as `"e":{…}` stands in the text: the same as JSON.stringify of the
 * object encodeCall makes (packed ids are never integer-like, so its keys keep this order), built
 * by a loop rather than through Object.entries, map, fromEntries and JSON.stringify: 5 µs for four
 * entries against under 3 (microbench), on every write after a leg has left. Not kept per record
 * object, as the legs' pieces are: the record is new at each leg's end, and a WeakMap entry cost
 * more than the text.
 */
function endedText(ended: IdRecord<number>): string {
  let text = "";
  for (const id of Object.keys(ended)) {
    const ms = ended[id]!;
    text += `${text === "" ? "" : ","}${quoted(packId(id))}:${Number.isFinite(ms) ? ms : "null"}`;
  }
  return `"e":{${text}}`;
}

/** Packed ids need no escaping in JSON; anything else (an odd id kept as it came) is stringified. */
const NEEDS_NO_ESCAPE = /^[A-Za-z0-9_~-]*$/;
const quoted = (text: string) => (NEEDS_NO_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text));

/**
 * Built as a list of parts and joined: join gives one flat string, where concatenating would give
 * a tree of the parts, which the store and the copy would then hold as it is (about 0.9 KiB more per
 * live meeting, measured: nothing reads the text back, so nothing flattens it).
 */
export function callText(doc: CallDoc): string {
  const head = headOf(doc.call);
  const c = doc.call;
  const legIds = Object.keys(doc.legs);
  const ended = doc.ended && Object.keys(doc.ended).length ? doc.ended : undefined;
  if (!legIds.length && !ended) return head;
  // The head's fields come first, then l and e, the order encodeCall gives them.
  const parts = [head.length > 2 ? `${head.slice(0, -1)},` : "{"];
  if (legIds.length) {
    parts.push('"l":{');
    legIds.forEach((legId, i) => parts.push(i ? "," : "", pieceOf(legId, doc.legs[legId]!, c)));
    parts.push("}");
  }
  if (ended) parts.push(legIds.length ? "," : "", endedText(ended));
  parts.push("}");
  return parts.join("");
}
