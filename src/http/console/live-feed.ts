/**
 * GET /events: the live section of the status page as server-sent events. A banner change, a
 * stored batch or a reconcile wakes every open stream; events close together are coalesced,
 * and streams woken by the same event share one render (one read of the store, however many
 * consoles are open). A stream is pushed at most once per `minGapMs`, so a busy cluster's
 * stream of batches costs a few renders a second at most. A timer re-sends every `refreshMs`
 * too, which keeps proxies from closing an idle stream and shows changes made by other instances.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Service } from "../../service/service.ts";
import { loadConsoleData } from "./data.ts";
import { LiveView } from "./page.tsx";

export interface LiveFeedOptions {
  debounceMs?: number;
  minGapMs?: number;
  refreshMs?: number;
}

export function createLiveFeed(service: Service, opts: LiveFeedOptions = {}) {
  const debounceMs = opts.debounceMs ?? 150;
  const minGapMs = opts.minGapMs ?? 1000;
  const refreshMs = opts.refreshMs ?? 10_000;
  let last: { startedAt: number; html: Promise<string> } | undefined;

  /** A render that started at or after `notBefore`: anything older may have missed the change. */
  const render = (notBefore: number) => {
    if (last && last.startedAt >= notBefore) return last.html;
    const startedAt = Date.now();
    const html = loadConsoleData(service).then(async (data) => String(await LiveView({ data }).toString()));
    last = { startedAt, html };
    return html;
  };

  return (c: Context) =>
    streamSSE(c, async (stream) => {
      let closed = false;
      /** Time of the newest event not yet in a pushed render; 0 when there is none. */
      let changedAt = 0;
      let sentAt = 0;
      let wake: (() => void) | undefined;
      const unsubscribe = service.events.subscribe(() => {
        changedAt = Date.now();
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: "update", data: await render(Date.now()), retry: 3000 });
        sentAt = Date.now();
        while (!closed) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, refreshMs);
            if (changedAt || closed) resolve();
          });
          clearTimeout(timer);
          wake = undefined;
          if (closed) break;
          if (changedAt) await new Promise((r) => setTimeout(r, Math.max(debounceMs, sentAt + minGapMs - Date.now())));
          // Events during the wait moved changedAt on; the render must have started after the newest.
          const trigger = changedAt || Date.now();
          changedAt = 0;
          await stream.writeSSE({ event: "update", data: await render(trigger) });
          sentAt = Date.now();
        }
      } finally {
        unsubscribe();
      }
    });
}
