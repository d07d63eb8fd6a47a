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
      const reply = new PendingReply(resolve, reject, timeoutMs);
      try {
        // The dispatcher's own origin and path: a URL parsed again for every call cost about
        // 18 µs of a banner PUT (docs/performance.md, "Fifth round").
        dispatcher.dispatch({ origin, path, method, headers, body: form?.toString() }, reply);
      } catch (err) {
        reply.onError(err as Error);
      }
    });
}

/**
 * One exchange's state and undici's handler for it, in one object: every CMS request makes one,
 * so it holds no closures (each would be an allocation, and under tsx a `__name` call).
 *
 * undici's own handler protocol (onConnect … onComplete), which every undici Dispatcher takes,
 * Node's bundled one included; version 7's newer form (onRequestStart …) is turned into this one
 * inside undici anyway.
 */
class PendingReply implements Dispatcher.DispatchHandler {
  private settled = false;
  private abort: ((err: Error) => void) | undefined;
  private status = 0;
  private rawHeaders: RawHeaders = [];
  private readonly chunks: Buffer[] = [];
  /** Made only when the deadline passes: an Error's stack costs more than the rest of a request. */
  private deadline: Error | undefined;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly resolve: (reply: ExchangeReply) => void,
    private readonly reject: (err: unknown) => void,
    private readonly timeoutMs: number,
  ) {
    // One timer for the whole exchange. undici's headersTimeout and bodyTimeout are idle
    // timeouts that start once the request is written, so a slow connect, a wait for a pooled
    // socket or a body trickling in would each get a deadline of their own.
    this.timer = setTimeout(passDeadline, timeoutMs, this);
  }

  /** A request still waiting for a socket when its deadline passes is answered then, and aborted when it gets one. */
  timedOut() {
    this.deadline = new Error(`no complete answer within ${this.timeoutMs} ms`);
    this.fail(new ExchangeFailure("timeout", `after ${this.timeoutMs} ms`, this.deadline));
    this.abort?.(this.deadline);
  }

  onConnect(abort: (err?: Error) => void) {
    this.abort = abort;
    // undici may start a request again on a new socket (its socket failed before the answer):
    // nothing of a first try may stay.
    this.chunks.length = 0;
    if (this.deadline) abort(this.deadline);
  }

  onHeaders(statusCode: number, raw: RawHeaders | null) {
    this.status = statusCode;
    this.rawHeaders = raw ?? [];
    return true;
  }

  onData(chunk: Buffer) {
    this.chunks.push(chunk);
    return true;
  }

  onComplete() {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve({ status: this.status, body: textOf(this.chunks), headers: headerReader(this.rawHeaders) });
  }

  onError(err: Error) {
    // undici's errors carry no request options, so none of them can reach a header.
    this.fail(new ExchangeFailure("unreachable", errorCode(err), err));
  }

  private fail(err: unknown) {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(err);
  }
}

function passDeadline(reply: PendingReply) {
  reply.timedOut();
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
