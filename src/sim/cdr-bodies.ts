/**
 * What goes inside each `<record>`, in the element order of the examples in DOMAIN.md §8,
 * so that a parser tested against the simulator meets the shapes it will meet in production.
 */
import type { SimCall, SimLeg } from "./types.ts";
import { el, node, optEl } from "./xml.ts";

export const DISTRIBUTION_LINK = "distributionLink";

export function isDistributionLink(leg: SimLeg): boolean {
  return leg.subType === DISTRIBUTION_LINK;
}

export function callStartBody(call: SimCall): string {
  return node(
    "call",
    { id: call.id },
    el("name", call.name) +
      el("ownerName", "") +
      el("callType", call.callType) +
      (call.coSpace === "" ? "" : el("coSpace", call.coSpace)) +
      el("callCorrelator", call.correlator),
  );
}

export function callEndBody(call: SimCall, now: number): string {
  return node(
    "call",
    { id: call.id },
    el("callLegsCompleted", call.legsCompleted) +
      el("callLegsMaxActive", call.legsMaxActive) +
      el("durationSeconds", seconds(now - call.startedAt)),
  );
}

/** Distribution links carry neither remoteParty nor displayName (DOMAIN §8 D). */
export function callLegStartBody(leg: SimLeg, withCall: boolean): string {
  const person = isDistributionLink(leg) ? "" : optEl("remoteParty", leg.remoteParty) + el("displayName", leg.displayName ?? "");
  return node(
    "callLeg",
    { id: leg.id },
    person +
      (leg.guestConnection ? el("guestConnection", true) : "") +
      (leg.recording ? el("recording", true) : "") +
      (leg.streaming ? el("streaming", true) : "") +
      el("type", leg.type ?? "sip") +
      optEl("subType", leg.subType) +
      el("direction", leg.direction ?? "incoming") +
      (withCall ? el("call", leg.callId) : "") +
      el("groupId", leg.id),
  );
}

/** A connected leg, either in its call or (`inIvr`) still in an IVR with `<ivr/>` in place of `<call>`. */
export function callLegUpdateBody(leg: SimLeg, inIvr: boolean): string {
  return node(
    "callLeg",
    { id: leg.id },
    el("state", "connected") +
      (inIvr ? "<ivr/>" : el("call", leg.callId)) +
      el("deactivated", false) +
      el("groupId", leg.id) +
      (isDistributionLink(leg) ? "" : el("displayName", leg.displayName ?? "") + optEl("remoteAddress", leg.remoteParty)),
  );
}

/** No `<call>` inside: real CMS leaves the leg → call mapping to earlier records (DOMAIN §2.5). */
export function callLegEndBody(leg: SimLeg, reason: string, now: number): string {
  const duration = seconds(now - leg.startedAt);
  return node(
    "callLeg",
    { id: leg.id },
    el("reason", reason) +
      el("remoteTeardown", reason === "remoteTeardown") +
      el("durationSeconds", duration) +
      el("activatedDuration", duration),
  );
}

export function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}
