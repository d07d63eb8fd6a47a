/** The XML bodies of the API responses, in the shapes of DOMAIN.md §9. */
import { isDistributionLink, seconds } from "./cdr-bodies.ts";
import { cdrTime } from "./cdr.ts";
import type { SimCall, SimLeg, SimNode } from "./types.ts";
import { el, escapeXml, node, optEl, xmlDocument } from "./xml.ts";

export const MAX_CDR_RECEIVERS = 4;

export function listDocument(root: string, total: number, items: string[], attrs: Record<string, number> = {}): string {
  return xmlDocument(node(root, { total, ...attrs }, items.join("")));
}

/** `attrs` carry the supporting values of `parameterError` (their names are a guess, DOMAIN §9). */
export function failureDocument(reason: string, attrs: Record<string, string> = {}): string {
  const written = Object.entries(attrs).map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join("");
  return xmlDocument(`<failureDetails><${reason}${written} /></failureDetails>`);
}

export function callItem(call: SimCall): string {
  return node("call", { id: call.id }, el("name", call.name) + coSpaceEl(call) + el("callCorrelator", call.correlator));
}

export function callDetail(call: SimCall, remoteParticipants: number, now: number): string {
  const legs = [...call.legs.values()];
  const links = legs.filter(isDistributionLink).length;
  const message = call.message;
  const timeRemaining =
    typeof message?.duration === "number" ? Math.max(0, message.duration - seconds(now - call.messageSetAt)) : undefined;
  return xmlDocument(
    node(
      "call",
      { id: call.id },
      el("name", call.name) +
        el("callType", call.callType) +
        coSpaceEl(call) +
        el("callCorrelator", call.correlator) +
        el("durationSeconds", seconds(now - call.startedAt)) +
        el("numCallLegs", legs.length) +
        el("maxCallLegs", call.legsMaxActive) +
        el("numParticipantsLocal", legs.length - links) +
        el("numParticipantsRemote", remoteParticipants) +
        el("numDistributedInstances", links) +
        el("locked", false) +
        el("recording", legs.some((leg) => leg.recording === true)) +
        el("streaming", legs.some((leg) => leg.streaming === true)) +
        el("allowAllMuteSelf", false) +
        el("allowAllPresentationContribution", false) +
        (message && message.text !== "" ? el("messageText", message.text) : "") +
        el("messagePosition", message?.position ?? "middle") +
        el("messageDuration", message?.duration ?? 0) +
        optEl("messageTimeRemaining", timeRemaining) +
        el("activeWhenEmpty", true),
    ),
  );
}

/** The list does not say which legs are distribution links, as on a real CMS. */
export function legItem(leg: SimLeg): string {
  return node(
    "callLeg",
    { id: leg.id },
    el("name", leg.displayName ?? "") + remoteParties(leg) + el("call", leg.callId),
  );
}

export function legDetail(leg: SimLeg, now: number): string {
  const direction = leg.direction ?? "incoming";
  return xmlDocument(
    node(
      "callLeg",
      { id: leg.id },
      el("name", leg.displayName ?? "") +
        remoteParties(leg) +
        el("call", leg.callId) +
        el("type", leg.type ?? "sip") +
        optEl("subType", leg.subType) +
        el("direction", direction) +
        el("canMove", !isDistributionLink(leg)) +
        "<status>" +
        el("state", "connected") +
        el("durationSeconds", seconds(now - leg.startedAt)) +
        el("direction", direction) +
        el("groupId", leg.id) +
        el("recording", leg.recording ?? false) +
        el("streaming", leg.streaming ?? false) +
        el("deactivated", false) +
        el("encryptedMedia", true) +
        el("unencryptedMedia", false) +
        "</status>",
    ),
  );
}

export function callBridgeItem(bridge: SimNode): string {
  return node("callBridge", { id: bridge.callBridgeId }, el("name", bridge.name));
}

export function callBridgeDetail(bridge: SimNode): string {
  return xmlDocument(
    node("callBridge", { id: bridge.callBridgeId }, el("name", bridge.name) + el("address", bridge.address) + el("sipDomain", "")),
  );
}

export function systemStatus(self: SimNode, uptimeSeconds: number, now: number): string {
  const legs = [...self.calls.values()].reduce((sum, call) => sum + call.legs.size, 0);
  return xmlDocument(
    node(
      "status",
      {},
      el("softwareVersion", "3.8.0") +
        el("uptimeSeconds", uptimeSeconds) +
        el("cdrTime", cdrTime(now)) +
        el("activated", true) +
        el("clusterEnabled", true) +
        el("callLegsActive", legs) +
        el("callsActive", self.calls.size),
    ),
  );
}

export function cdrReceiverItem(id: string, uri: string): string {
  return node("cdrReceiver", { id }, el("uri", uri));
}

export function cdrReceiverDetail(id: string, uri: string): string {
  return xmlDocument(cdrReceiverItem(id, uri));
}

function coSpaceEl(call: SimCall): string {
  return call.coSpace === "" ? "" : el("coSpace", call.coSpace);
}

function remoteParties(leg: SimLeg): string {
  return leg.remoteParty === undefined ? "" : el("remoteParty", leg.remoteParty) + el("originalRemoteParty", leg.remoteParty);
}
