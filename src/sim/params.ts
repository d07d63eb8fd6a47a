/**
 * Request parameters as CMS reads them (DOMAIN.md §6): paging of lists (§6.3) and the in-call
 * message of `PUT /calls/<id>` (§6.5). Both give back the name of a bad parameter instead of
 * throwing, so that the API can answer it with `parameterError`.
 */
import type { SimMessage } from "./types.ts";

export type Page<T> = { ok: true; total: number; items: T[] } | { ok: false; parameter: string };

/** The server caps the page at its own maximum; an offset beyond the end gives an empty page with the true total. */
export function takePage<T>(all: T[], query: URLSearchParams, cap: number): Page<T> {
  const offset = countOr(query.get("offset"), 0);
  if (offset === undefined) return { ok: false, parameter: "offset" };
  const limit = countOr(query.get("limit"), cap);
  if (limit === undefined) return { ok: false, parameter: "limit" };
  return { ok: true, total: all.length, items: all.slice(offset, offset + Math.min(limit, cap)) };
}

export type MessageUpdate = { ok: true; message: SimMessage | null } | { ok: false; parameter: string };

export const MESSAGE_PARAMS = ["messageText", "messagePosition", "messageDuration"] as const;

const NO_MESSAGE: SimMessage = { text: "", position: "middle", duration: 0 };

/** An omitted parameter leaves the value unchanged; an empty one unsets it to the CMS default. */
export function applyMessageParams(current: SimMessage | null, params: URLSearchParams): MessageUpdate {
  const base = current ?? NO_MESSAGE;
  const text = params.get("messageText") ?? base.text;
  const position = readPosition(params.get("messagePosition"), base.position);
  if (position === undefined) return { ok: false, parameter: "messagePosition" };
  const duration = readDuration(params.get("messageDuration"), base.duration);
  if (duration === undefined) return { ok: false, parameter: "messageDuration" };
  // Text that is never shown is no message at all; that is what a clear (`messageText=&messageDuration=0`) leaves.
  if (text === "" && duration === 0) return { ok: true, message: null };
  return { ok: true, message: { text, position, duration } };
}

function readPosition(raw: string | null, current: SimMessage["position"]): SimMessage["position"] | undefined {
  if (raw === null) return current;
  if (raw === "") return NO_MESSAGE.position;
  return raw === "top" || raw === "middle" || raw === "bottom" ? raw : undefined;
}

function readDuration(raw: string | null, current: SimMessage["duration"]): SimMessage["duration"] | undefined {
  if (raw === null) return current;
  if (raw === "permanent") return raw;
  return countOr(raw, 0);
}

/** A non-negative whole number; `fallback` when absent or empty, undefined when malformed. */
function countOr(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === "") return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}
