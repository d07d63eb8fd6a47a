/**
 * What a call shows versus what we believe we applied there. The rule users asked for: never clear
 * or overwrite a message we did not set. A text our policy could have produced is ours (set by us
 * before a restart, or by another instance); any other text is the operator's, and the call is
 * left alone until that text goes away.
 */
import type { ApiCall } from "../cms/client.ts";
import type { Banner, BannerPosition } from "../core/model.ts";
import type { StateStore } from "../store/state.ts";
import type { Logger } from "./log.ts";

/** Returns true when our record of the call had to be corrected. */
export async function adoptMessage(o: {
  state: StateStore;
  node: string;
  call: ApiCall;
  startedAt: number;
  own: (text: string) => boolean;
  log: Logger;
}): Promise<boolean> {
  const { state, node, call } = o;
  const applied = await state.getApplied(node, call.id);
  // Written after this run read the call: the applier knows better than our snapshot.
  if (applied && applied.at >= o.startedAt) return false;
  const shown = call.message?.text ? call.message : null;
  const at = o.startedAt;

  if (!shown) {
    if (!applied) return false;
    // Ours vanished (cleared by hand, or the CMS lost it) or the operator's went away: forget it,
    // and the applier will set what the meeting needs.
    await state.deleteApplied(node, call.id);
    return Boolean(applied.banner);
  }
  if (o.own(shown.text)) {
    const banner: Banner = {
      text: shown.text,
      position: (shown.position as BannerPosition) || "middle",
      duration: shown.duration,
    };
    if (applied?.banner && applied.banner.text === banner.text && applied.banner.position === banner.position && applied.banner.duration === banner.duration) return false;
    await state.putApplied(node, call.id, { banner, at });
    return true;
  }
  if (applied?.foreign === shown.text) return false;
  o.log.warn("operator's own message on call; leaving it alone", { node, call: call.id, text: shown.text });
  await state.putApplied(node, call.id, { banner: null, foreign: shown.text, at });
  return true;
}
