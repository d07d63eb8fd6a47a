/**
 * How an applied-banner record is written: one per live node-call, so it is kept to what its
 * readers use (the applier, the reconcile's adoption of shown messages, the meetings view) and
 * cannot be worked out again. The key names the node and call; position and duration are left
 * out when they are the defaults (BANNER_POSITION bottom, BANNER_DURATION permanent), which they
 * nearly always are.
 *
 * t banner text (absent: no banner) · p position · d duration · f an operator's message · w at (ms)
 */
import type { Banner, BannerDuration, BannerPosition } from "../core/model.ts";
import type { AppliedRecord } from "./state.ts";

interface StoredApplied {
  t?: string;
  p?: BannerPosition;
  d?: BannerDuration;
  f?: string;
  w?: number;
}

const POSITION: BannerPosition = "bottom";
const DURATION: BannerDuration = "permanent";

export function encodeApplied(rec: AppliedRecord): StoredApplied {
  const b = rec.banner;
  // JSON leaves out the fields that are undefined.
  return {
    t: b?.text,
    p: b && b.position !== POSITION ? b.position : undefined,
    d: b && b.duration !== DURATION ? b.duration : undefined,
    f: rec.foreign,
    w: rec.at,
  };
}

export function decodeApplied(raw: unknown): AppliedRecord | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as StoredApplied;
  const banner: Banner | null = typeof r.t === "string" ? { text: r.t, position: r.p ?? POSITION, duration: r.d ?? DURATION } : null;
  const rec: AppliedRecord = { banner, at: r.w ?? 0 };
  if (r.f !== undefined) rec.foreign = r.f;
  return rec;
}
