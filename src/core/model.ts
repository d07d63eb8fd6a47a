/**
 * The picture of live meetings as it is stored, and the vocabulary of the policy.
 *
 * A `nodeKey` names where a call lives: a configured node name (`cb-a`) when known at intake,
 * otherwise `cb_<callBridge GUID>` or `s_<session GUID>` until the applier learns which node it is.
 * Node names never contain `_`, so the two forms cannot collide.
 */

export type FactSource = "cdr" | "api";

export interface CallFact {
  id: string;
  nodeKey: string;
  name: string;
  callType?: string;
  coSpace?: string;
  correlator?: string;
  tenant?: string;
  /** CDR/API time of the fact (ISO 8601). */
  since: string;
  /** Our clock (ms) when it was stored: lets the reconciler leave alone what changed while it ran. */
  seenAt: number;
  source: FactSource;
  /** Known only because a leg named it; name and meeting come later from callStart or the API. */
  stub?: boolean;
}

export interface LegFact {
  id: string;
  nodeKey: string;
  callId?: string;
  displayName?: string;
  remoteParty?: string;
  remoteAddress?: string;
  type?: string;
  subType?: string;
  lyncSubType?: string;
  direction?: string;
  guest: boolean;
  recording: boolean;
  streaming: boolean;
  inIvr: boolean;
  deactivated: boolean;
  since: string;
  seenAt: number;
  source: FactSource;
}

export type ParticipantClass = "external" | "internal" | "secure";

/** How a leg counts, and why — the "why" is shown to operators ("web app guest", "domain partner.example"). */
export type LegRole =
  | { participant: true; class: ParticipantClass; why: string }
  | { participant: false; why: string };

export type BannerPosition = "top" | "middle" | "bottom";
export type BannerDuration = "permanent" | number;

export interface Banner {
  text: string;
  position: BannerPosition;
  duration: BannerDuration;
}

export interface BannerTexts {
  restrictedExternal: string;
  restricted: string;
  external: string;
  level3: string;
  level2: string;
  level1: string;
}

export interface Policy {
  mode: "external" | "levels";
  restrictedPattern: RegExp;
  /** Lower-case domains; a leg matches a domain exactly or as a subdomain of it. */
  internalDomains: string[];
  secureDomains: string[];
  texts: BannerTexts;
  position: BannerPosition;
  duration: BannerDuration;
}

/** One banner change on one node-call: logged, audited, shown on the status page. */
export interface BannerChange {
  /** Ms since epoch. */
  at: number;
  meetingId: string;
  meetingName: string;
  node: string;
  callId: string;
  from: string;
  to: string;
  /** The participant or event that caused the change, e.g. "leg 1f… (Visitor Bob) joined". */
  cause: string;
}
