/**
 * Who counts as a participant, and of which class (DOMAIN.md §3; seed/ORIGINAL.md).
 *
 * Defaults keep the original tool's behaviour: only web-app legs are external. What it got wrong
 * is fixed here: domains match exactly or as subdomains (never by substring), and guests of the
 * older web client (`guestConnection`) count as external too.
 */
import type { LegFact, LegRole, Policy } from "./model.ts";

/** URI schemes seen in CMS addresses; only these are stripped, so `host:5060` keeps its host. */
const SCHEME = /^(?:sips?|tel|h323|xmpp|im|pres):/i;
const HOSTNAME = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * The host of a SIP URI, user address or bare host, lower-cased: `"Bob" <sip:bob@Host:5060;transport=tls>`
 * → `host`. Undefined when there is no host, e.g. a bare phone number or user name.
 */
export function domainOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  let rest = address;
  const open = rest.lastIndexOf("<");
  if (open !== -1) {
    const close = rest.indexOf(">", open);
    rest = rest.slice(open + 1, close === -1 ? undefined : close);
  }
  rest = rest.trim().replace(SCHEME, "");
  const at = rest.lastIndexOf("@");
  // Without a user part, only something shaped like a host or IP is a host ("alice" is not).
  if (at === -1 && !rest.includes(".") && !rest.startsWith("[")) return undefined;
  let host = rest.slice(at + 1);
  host = cutAt(host, ";", "?", ">", "/");
  host = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : cutAt(host, ":");
  host = host.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  return HOSTNAME.test(host) || IPV6.test(host) ? host : undefined;
}

function cutAt(s: string, ...separators: string[]): string {
  let end = s.length;
  for (const sep of separators) {
    const i = s.indexOf(sep);
    if (i !== -1 && i < end) end = i;
  }
  return s.slice(0, end);
}

/** Exact or subdomain match: `a.corp.example` is in `corp.example`, `evil-corp.example` is not. */
export function inDomains(domain: string | undefined, list: readonly string[]): boolean {
  if (!domain) return false;
  return list.some((d) => d !== "" && (domain === d || domain.endsWith(`.${d}`)));
}

/** A Map so that a subType such as "constructor" finds nothing. */
const LINK_SUBTYPES = new Map([
  ["distributionlink", "distribution link"],
  ["lyncdistribution", "Lync distribution link"],
]);

export function classifyLeg(leg: LegFact, policy: Pick<Policy, "internalDomains" | "secureDomains">): LegRole {
  const subType = leg.subType?.toLowerCase();
  const link = subType === undefined ? undefined : LINK_SUBTYPES.get(subType);
  if (link) return { participant: false, why: link };
  if (leg.recording) return { participant: false, why: "recorder" };
  if (leg.streaming) return { participant: false, why: "streamer" };
  if (leg.lyncSubType !== undefined && leg.lyncSubType.toLowerCase() !== "audiovideo") {
    return { participant: false, why: `Lync ${leg.lyncSubType} leg` };
  }
  if (leg.inIvr) return { participant: false, why: "in IVR" };
  if (!leg.callId) return { participant: false, why: "not in a call yet" };
  // A lobby guest (`deactivated`) is deliberately not excluded: the people already in the meeting
  // should be told about a waiting outsider before the host lets them in.

  if (subType === "webapp") return { participant: true, class: "external", why: "web app guest" };
  if (leg.guest) return { participant: true, class: "external", why: "guest connection" };

  const type = leg.type?.toLowerCase();
  const byDomain = policy.internalDomains.length > 0 || policy.secureDomains.length > 0;
  if (type === "acano") return { participant: true, class: "internal", why: "signed-in app user" };
  if (!byDomain) return { participant: true, class: "internal", why: "SIP" };

  // SIP, or a type this code does not know: judged by address, so an unknown kind of leg with
  // no recognisable address errs towards external.
  const domain = domainOf(leg.remoteParty) ?? domainOf(leg.remoteAddress);
  if (!domain) return { participant: true, class: "external", why: "no address" };
  const why = `domain ${domain}`;
  if (inDomains(domain, policy.secureDomains)) return { participant: true, class: "secure", why };
  if (inDomains(domain, policy.internalDomains)) return { participant: true, class: "internal", why };
  return { participant: true, class: "external", why };
}
