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

/** Copies the present, non-empty values only, so absent fields stay absent. */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined && v !== "") out[key] = v;
  return out as T;
}

export function callSummary(el: XmlElement): ApiCallSummary {
  return {
    ...defined({
      coSpace: text(el, "coSpace"),
      correlator: text(el, "callCorrelator"),
      tenant: text(el, "tenant"),
    }),
    id: requireId(el, "call"),
    name: text(el, "name") ?? "",
  };
}

export function call(el: XmlElement): ApiCall {
  return {
    ...callSummary(el),
    ...defined({ callType: text(el, "callType"), numCallLegs: count(el, "numCallLegs") }),
    message: message(el),
  };
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
  return {
    ...defined({ name: text(el, "name"), remoteParty: text(el, "remoteParty"), callId: text(el, "call") }),
    id: requireId(el, "callLeg"),
  };
}

/**
 * Leg detail: identity at the top level, live state under `<status>`. `direction` appears in
 * both places; `subType` is matched in either spelling by the case-insensitive lookup.
 */
export function leg(el: XmlElement): ApiLeg {
  const status = child(el, "status") ?? {};
  return {
    ...legSummary(el),
    ...defined({
      type: text(el, "type"),
      subType: text(el, "subType"),
      lyncSubType: text(el, "lyncSubType"),
      direction: text(el, "direction") ?? text(status, "direction"),
      state: text(status, "state"),
    }),
    recording: flag(status, "recording") ?? false,
    streaming: flag(status, "streaming") ?? false,
    deactivated: flag(status, "deactivated") ?? false,
  };
}

export function callBridge(el: XmlElement): ApiCallBridge {
  return {
    ...defined({ address: text(el, "address") }),
    id: requireId(el, "callBridge"),
    name: text(el, "name") ?? "",
  };
}

export function systemStatus(el: XmlElement): { softwareVersion?: string; clusterEnabled?: boolean; uptimeSeconds?: number } {
  return defined({
    softwareVersion: text(el, "softwareVersion"),
    clusterEnabled: flag(el, "clusterEnabled"),
    uptimeSeconds: count(el, "uptimeSeconds"),
  });
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
