/**
 * CMS API XML → the client's plain objects (DOMAIN §6, §9). Anything the caller relies on
 * (ids, a readable message duration) is checked, and its absence is an UnusableReply, which the
 * transport reports as a bad reply; optional fields are left out when CMS leaves them out.
 */
import type { ApiCall, ApiCallBridge, ApiCallSummary, ApiLeg, ApiLegSummary, ApiMessage } from "./client.ts";
import { UnusableReply } from "./errors.ts";
import { attr, child, flag, text, type XmlElement } from "./xml.ts";

export function requireId(el: XmlElement, what: string): string {
  const id = attr(el, "id");
  if (id === undefined || id === "") throw new UnusableReply(`<${what}> without an id`);
  return id;
}

/**
 * Sets `key` only when the value is present and not empty, so absent fields stay absent. Fields
 * are set one by one on the object being built: every reply passes here (a reconcile decodes
 * seven per call), and copying through entries and spreads cost twice as much.
 */
function put<T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== "") out[key] = value;
}

export function callSummary(el: XmlElement): ApiCallSummary {
  const out: ApiCallSummary = { id: requireId(el, "call"), name: text(el, "name") ?? "" };
  putCallSummary(out, el);
  return out;
}

function putCallSummary(out: ApiCallSummary, el: XmlElement): void {
  put(out, "coSpace", text(el, "coSpace"));
  put(out, "correlator", text(el, "callCorrelator"));
  put(out, "tenant", text(el, "tenant"));
}

export function call(el: XmlElement): ApiCall {
  const out: ApiCall = { id: requireId(el, "call"), name: text(el, "name") ?? "", message: message(el) };
  putCallSummary(out, el);
  put(out, "callType", text(el, "callType"));
  put(out, "numCallLegs", count(el, "numCallLegs"));
  return out;
}

// With no message CMS reports position "middle", duration 0 and no text (DOMAIN §6.4).
function message(el: XmlElement): ApiMessage | null {
  const messageText = text(el, "messageText");
  if (messageText === undefined || messageText === "") return null;
  const rawDuration = text(el, "messageDuration") ?? "0";
  let duration: ApiMessage["duration"];
  if (rawDuration.toLowerCase() === "permanent") duration = "permanent";
  else if (/^\d+$/.test(rawDuration)) duration = Number(rawDuration);
  else throw new UnusableReply(`messageDuration "${rawDuration}" is neither seconds nor "permanent"`);
  return { text: messageText, position: text(el, "messagePosition") || "middle", duration };
}

function count(el: XmlElement, name: string): number | undefined {
  const raw = text(el, name);
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function legSummary(el: XmlElement): ApiLegSummary {
  const out: ApiLegSummary = { id: requireId(el, "callLeg") };
  putLegSummary(out, el);
  return out;
}

function putLegSummary(out: ApiLegSummary, el: XmlElement): void {
  put(out, "name", text(el, "name"));
  put(out, "remoteParty", text(el, "remoteParty"));
  put(out, "callId", text(el, "call"));
}

/**
 * Leg detail: identity at the top level, live state under `<status>`. `direction` appears in
 * both places; `subType` is matched in either spelling by the case-insensitive lookup.
 */
export function leg(el: XmlElement): ApiLeg {
  const status = child(el, "status") ?? {};
  const out: ApiLeg = {
    id: requireId(el, "callLeg"),
    recording: flag(status, "recording") ?? false,
    streaming: flag(status, "streaming") ?? false,
    deactivated: flag(status, "deactivated") ?? false,
  };
  putLegSummary(out, el);
  put(out, "type", text(el, "type"));
  put(out, "subType", text(el, "subType"));
  put(out, "lyncSubType", text(el, "lyncSubType"));
  put(out, "direction", text(el, "direction") ?? text(status, "direction"));
  put(out, "state", text(status, "state"));
  return out;
}

export function callBridge(el: XmlElement): ApiCallBridge {
  const out: ApiCallBridge = { id: requireId(el, "callBridge"), name: text(el, "name") ?? "" };
  put(out, "address", text(el, "address"));
  return out;
}

export function systemStatus(el: XmlElement): { softwareVersion?: string; clusterEnabled?: boolean; uptimeSeconds?: number } {
  const out: { softwareVersion?: string; clusterEnabled?: boolean; uptimeSeconds?: number } = {};
  put(out, "softwareVersion", text(el, "softwareVersion"));
  put(out, "clusterEnabled", flag(el, "clusterEnabled"));
  put(out, "uptimeSeconds", count(el, "uptimeSeconds"));
  return out;
}

export function cdrReceiver(el: XmlElement): { id: string; uri: string } {
  return { id: requireId(el, "cdrReceiver"), uri: text(el, "uri") ?? "" };
}

/** The new object's id from a POST's `Location: /api/v1/…/<id>` (DOMAIN §6.1). */
export function locationId(location: string | null): string {
  const id = location?.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop();
  if (!id) throw new UnusableReply("no Location header naming the new object");
  return decodeURIComponent(id);
}
