/**
 * The banner a meeting should show, from its call names and its legs (seed/ORIGINAL.md).
 *
 * Two modes: `external` (the original tool: restricted and/or external participants) and `levels`
 * (its later version: security level 3/2/1 by the least trusted participant present).
 */
import { classifyLeg } from "./classify.ts";
import type { Banner, BannerTexts, LegFact, LegRole, ParticipantClass, Policy } from "./model.ts";

/** The original tool's texts, byte for byte: users' eyes and scripts already know them. */
export const defaultTexts: BannerTexts = {
  restrictedExternal: "Restricted Meeting, External Participant(s) in Meeting",
  restricted: "Restricted Meeting",
  external: "External Participant(s) in Meeting",
  level3: "Security Level 3",
  level2: "Security Level 2",
  level1: "Security Level 1",
};

/** A whole word, so "Project X – RESTRICTED" matches and "Unrestricted lounge" does not. */
export const defaultRestrictedPattern = /\brestricted\b/i;

const EXTERNAL_COUNT = "{external}";

export function isRestricted(name: string, policy: Pick<Policy, "restrictedPattern">): boolean {
  const pattern = policy.restrictedPattern;
  // A global or sticky pattern remembers where it last matched; every name starts afresh.
  pattern.lastIndex = 0;
  const restricted = pattern.test(name);
  pattern.lastIndex = 0;
  return restricted;
}

export interface BannerDecision {
  banner: Banner | null;
  restricted: boolean;
  counts: Record<ParticipantClass, number>;
  /** Every leg with its role, participant or not, so an operator can see why each one counts. */
  participants: { leg: LegFact; role: LegRole }[];
}

/**
 * Each leg's role, worked out once per leg fact and policy: a meeting's legs are classified again
 * on every batch that touches it (bannerSignature before and after, then the banner run), and
 * leg facts are never changed once made (a change makes a new fact).
 */
const roles = new WeakMap<LegFact, { policy: Policy; role: LegRole }>();

function roleOf(leg: LegFact, policy: Policy): LegRole {
  const kept = roles.get(leg);
  if (kept?.policy === policy) return kept.role;
  const role = classifyLeg(leg, policy);
  roles.set(leg, { policy, role });
  return role;
}

export function decideBanner(input: { names: string[]; legs: LegFact[] }, policy: Policy): BannerDecision {
  // Pushed, not made by map (core/pushed.ts).
  const participants: BannerDecision["participants"] = [];
  const { restricted, counts } = tally(input.names, input.legs, policy, participants);
  const template = policy.mode === "levels" ? levelsText(restricted, counts, policy.texts) : externalText(restricted, counts, policy.texts);
  const banner = template === null
    ? null
    : { text: template.replaceAll(EXTERNAL_COUNT, String(counts.external)), position: policy.position, duration: policy.duration };
  return { banner, restricted, counts, participants };
}

/**
 * Restricted or not, and how many participants of each class: what the banner is made of. With
 * `participants`, each leg and its role is pushed there too (decideBanner); bannerSignature,
 * asked for every call a batch touches, needs only the counts.
 */
function tally(names: string[], legs: LegFact[], policy: Policy, participants?: BannerDecision["participants"]) {
  const restricted = names.some((name) => isRestricted(name, policy));
  const counts: Record<ParticipantClass, number> = { external: 0, internal: 0, secure: 0 };
  for (const leg of legs) {
    const role = roleOf(leg, policy);
    participants?.push({ leg, role });
    if (role.participant) counts[role.class]++;
  }
  return { restricted, counts };
}

/** Whether any text shows the external count; asked on every bannerSignature, so kept per policy. */
const showsCountOf = new WeakMap<Policy, boolean>();
function showsExternalCount(policy: Policy): boolean {
  let shows = showsCountOf.get(policy);
  if (shows === undefined) showsCountOf.set(policy, (shows = Object.values(policy.texts).some((t) => t.includes(EXTERNAL_COUNT))));
  return shows;
}

/**
 * What of one call's facts its meeting's banner depends on, as a short string. The banner is a
 * function of these signatures over the meeting's calls: restricted if any call is, each count
 * the sum of the calls' counts, and where no text shows a count only whether it is zero matters
 * (external mode reads only the external count; levels mode reads all three). So a batch after
 * which every call it touched has the signature it had before cannot change any banner, and
 * needs no banner run (service/ingest.ts). A call that is absent, a stub or in another meeting
 * is `absentSignature`.
 */
export function bannerSignature(names: string[], legs: LegFact[], policy: Policy): string {
  const { restricted, counts } = tally(names, legs, policy);
  return signatureOf(restricted, counts, policy);
}

function signatureOf(restricted: boolean, counts: Record<ParticipantClass, number>, policy: Policy): string {
  const showsCount = showsExternalCount(policy);
  const external = showsCount ? counts.external : Math.min(counts.external, 1);
  const levels = policy.mode === "levels" ? `:${Math.min(counts.internal, 1)}:${Math.min(counts.secure, 1)}` : "";
  return `${restricted ? 1 : 0}:${external}${levels}`;
}

export const absentSignature = (policy: Policy) => signatureOf(false, { external: 0, internal: 0, secure: 0 }, policy);

function externalText(restricted: boolean, counts: Record<ParticipantClass, number>, texts: BannerTexts): string | null {
  const external = counts.external > 0;
  if (restricted && external) return texts.restrictedExternal;
  if (restricted) return texts.restricted;
  if (external) return texts.external;
  return null;
}

function levelsText(restricted: boolean, counts: Record<ParticipantClass, number>, texts: BannerTexts): string | null {
  const level = counts.external > 0 ? texts.level3
    : counts.internal > 0 ? texts.level2
    : counts.secure > 0 ? texts.level1
    : undefined;
  if (restricted) return level === undefined ? texts.restricted : restrictedLevel(texts.restricted, level);
  return level ?? null;
}

function restrictedLevel(restricted: string, level: string): string {
  return `${restricted}, ${level}`;
}

/**
 * True when `text` is a banner this policy could have produced, whatever the participant count.
 * The service never clears or overwrites a message that fails this test: it is an operator's own.
 */
export function isOwnText(text: string, policy: Pick<Policy, "texts">): boolean {
  const t = policy.texts;
  const templates = [
    t.restrictedExternal, t.restricted, t.external, t.level3, t.level2, t.level1,
    restrictedLevel(t.restricted, t.level3), restrictedLevel(t.restricted, t.level2), restrictedLevel(t.restricted, t.level1),
  ];
  return templates.some((template) => matchesTemplate(text, template));
}

function matchesTemplate(text: string, template: string): boolean {
  if (!template.includes(EXTERNAL_COUNT)) return text === template;
  const pattern = template.split(EXTERNAL_COUNT).map(escapeRegExp).join("\\d+");
  return new RegExp(`^${pattern}$`).test(text);
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
