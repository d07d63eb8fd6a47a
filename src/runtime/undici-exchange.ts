/**
 * The CMS client's HTTP exchange on Node: the `request()` of the service's own undici Agent, rather
 * than ofetch over the global (WHATWG) fetch. Fetch builds a Request, a Response, web streams and
 * an AbortSignal chain for every call; measured client CPU per banner PUT was 0.9–1.3 ms through
 * ofetch and about 0.25 ms through `request()` on the same Agent (docs/performance.md).
 */
import { EventEmitter } from "node:events";
import type { Dispatcher } from "undici";
import { errorCode, ExchangeFailure, type Exchange, type ReplyHeaders } from "../cms/exchange.ts";

export function undiciExchange(dispatcher: Dispatcher): Exchange {
  return async ({ origin, path, method, headers, form, timeoutMs }) => {
    // One timer for the whole exchange. undici's headersTimeout and bodyTimeout are idle
    // timeouts that start once the request is written, so a slow connect, a wait for a pooled
    // socket or a body trickling in would each get a deadline of their own. The signal is an
    // EventEmitter, which undici takes as well as an AbortSignal: 2 µs a request instead of
    // 15 µs for an AbortController and an Error made up front.
    const signal = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signal.emit("abort");
    }, timeoutMs);
    try {
      // The dispatcher's own request() with origin and path: undici's top-level request(url)
      // parses the URL again for every call: about 18 µs of a banner PUT (117 -> 99 µs of client
      // CPU, docs/performance.md, "Fifth round").
      const res = await dispatcher.request({ origin, path, method, headers, body: form?.toString(), signal });
      // Read to the end on every status: a body left unread keeps its socket out of the pool.
      // If the deadline passes meanwhile, undici destroys the stream and text() rejects.
      const body = await res.body.text();
      return { status: res.statusCode, body, headers: headerReader(res.headers) };
    } catch (err) {
      // undici's errors carry no request options, so none of them can reach a header.
      if (timedOut) {
        throw new ExchangeFailure("timeout", `after ${timeoutMs} ms`, new Error(`no complete answer within ${timeoutMs} ms`, { cause: err }));
      }
      throw new ExchangeFailure("unreachable", errorCode(err), err);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** undici gives lower-cased names, and an array for a repeated header. */
function headerReader(headers: Record<string, string | string[] | undefined>): ReplyHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
