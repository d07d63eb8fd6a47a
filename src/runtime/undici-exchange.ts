/**
 * The CMS client's HTTP exchange on Node: the service's own undici Agent, driven through
 * `dispatch()` with a handler that collects the body, rather than ofetch over the global (WHATWG)
 * fetch. Fetch builds a Request, a Response, web streams and an AbortSignal chain for every call;
 * measured client CPU per banner PUT was 0.9–1.3 ms through ofetch and about 0.25 ms through the
 * Agent's `request()` (docs/performance.md). `request()` still hands the body over as a Readable
 * stream, whose machinery was most of what was left (seventh round): a CMS reply is a few hundred
 * bytes, read whole, so the handler keeps the chunks and joins them at the end.
 */
import type { Dispatcher } from "undici";
import { errorCode, ExchangeFailure, type Exchange, type ExchangeReply, type ReplyHeaders } from "../cms/exchange.ts";

export function undiciExchange(dispatcher: Dispatcher): Exchange {
  return ({ origin, path, method, headers, form, timeoutMs }) =>
    new Promise<ExchangeReply>((resolve, reject) => {
      let settled = false;
      let abort: ((err: Error) => void) | undefined;
      let status = 0;
      let rawHeaders: RawHeaders = [];
      const chunks: Buffer[] = [];
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      // One timer for the whole exchange. undici's headersTimeout and bodyTimeout are idle
      // timeouts that start once the request is written, so a slow connect, a wait for a pooled
      // socket or a body trickling in would each get a deadline of their own. A request still
      // waiting for a socket when it passes is answered at once, and aborted when it gets one.
      // The Error is made only then: its stack costs more than the rest of a request.
      let deadline: Error | undefined;
      const timer = setTimeout(() => {
        deadline = new Error(`no complete answer within ${timeoutMs} ms`);
        fail(new ExchangeFailure("timeout", `after ${timeoutMs} ms`, deadline));
        abort?.(deadline);
      }, timeoutMs);
      // undici's own handler protocol (onConnect … onComplete), which every undici Dispatcher
      // takes, Node's bundled one included; version 7's newer form (onRequestStart …) is turned
      // into this one inside undici anyway.
      const handler: Dispatcher.DispatchHandler = {
        onConnect(abortRequest) {
          abort = abortRequest;
          // undici may start a request again on a new socket (its socket failed before the
          // answer): nothing of a first try may stay.
          chunks.length = 0;
          if (deadline) abortRequest(deadline);
        },
        onHeaders(statusCode, raw) {
          status = statusCode;
          rawHeaders = raw ?? [];
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status, body: textOf(chunks), headers: headerReader(rawHeaders) });
        },
        onError(err) {
          // undici's errors carry no request options, so none of them can reach a header.
          fail(new ExchangeFailure("unreachable", errorCode(err), err));
        },
      };
      try {
        // The dispatcher's own origin and path: a URL parsed again for every call cost about
        // 18 µs of a banner PUT (docs/performance.md, "Fifth round").
        dispatcher.dispatch({ origin, path, method, headers, body: form?.toString() }, handler);
      } catch (err) {
        fail(new ExchangeFailure("unreachable", errorCode(err), err));
      }
    });
}

/** Header names and values in turn, as undici hands them over. */
type RawHeaders = (Buffer | string)[];

/** The body as UTF-8 text, without a byte-order mark, as undici's own `text()` gives it. */
function textOf(chunks: Buffer[]): string {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
}

/** Names compared without case; a repeated header's values joined. Read only when a decoder asks (a POST's Location). */
function headerReader(raw: RawHeaders): ReplyHeaders {
  return {
    get(name) {
      const wanted = name.toLowerCase();
      const values: string[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) if (String(raw[i]).toLowerCase() === wanted) values.push(String(raw[i + 1]));
      return values.length ? values.join(", ") : null;
    },
  };
}
