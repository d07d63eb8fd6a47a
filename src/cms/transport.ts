/**
 * One CMS API request, end to end: a slot from the node's limiter, the HTTP exchange with a
 * per-attempt deadline, the answer classified into success or a CmsError, an event per attempt,
 * and retries by the explicit policy. Runtime-neutral: the exchange is handed in by the runtime
 * (exchange.ts), or is ofetch over fetch; the rest needs only setTimeout, TextEncoder and btoa.
 */
import { CmsError, kindForStatus, retryable, UnusableReply } from "./errors.ts";
import { ExchangeFailure, type Exchange, type ExchangeReply } from "./exchange.ts";
import { fetchExchange } from "./fetch-exchange.ts";
import { createLimiter } from "./limiter.ts";
import { withRetry, type RetryPolicy } from "./retry.ts";
import { failureDetail } from "./xml.ts";
import type { CmsClientOptions, CmsNode, CmsRequestEvent } from "./client.ts";

export interface CmsRequest {
  method: "GET" | "PUT" | "POST";
  /** Path under the node's base URL, query included, e.g. `/api/v1/calls?offset=0&limit=50`. */
  path: string;
  form?: URLSearchParams;
  /**
   * Safe to send twice. A non-idempotent request (POST creating an object) is retried only when
   * CMS said it is busy, because after a timeout or a reset it may already have been carried out.
   */
  idempotent: boolean;
  /** Ahead of the node's waiting reads, as writes are (a list whose pages feed other requests). */
  ahead?: boolean;
}

export type CmsReply = ExchangeReply;

export type Send = <T>(node: CmsNode, req: CmsRequest, decode: (reply: CmsReply) => T) => Promise<T>;

export function createTransport(opts: CmsClientOptions): Send {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const policy: RetryPolicy = {
    attempts: opts.retry?.attempts ?? 4,
    baseDelayMs: opts.retry?.baseDelayMs ?? 200,
    maxDelayMs: opts.retry?.maxDelayMs ?? 5_000,
  };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const limiter = createLimiter(opts.maxInFlightPerNode ?? 8);
  const { exchange: given, ...fetchOptions } = opts.transport ?? {};
  const httpExchange: Exchange = given ?? fetchExchange(fetchOptions);
  const headers = baseHeaders(opts);
  const formHeaders = { ...headers, "Content-Type": "application/x-www-form-urlencoded" };

  async function exchange(node: CmsNode, req: CmsRequest): Promise<CmsReply> {
    const { origin, prefix } = baseOf(node.baseUrl);
    const path = prefix + req.path;
    try {
      return await httpExchange({
        url: origin + path,
        origin,
        path,
        method: req.method,
        headers: req.form ? formHeaders : headers,
        form: req.form,
        timeoutMs,
      });
    } catch (err) {
      if (!(err instanceof ExchangeFailure)) throw err;
      // The runtime's network error is the cause; the ExchangeFailure itself adds nothing.
      throw new CmsError({ kind: err.kind, ...where(node, req), note: err.note, cause: err.cause });
    }
  }

  // Every CMS request passes here: the event is one object literal of one shape, made only when
  // someone listens, and no closure is made per attempt (a reconcile sends 8 requests per call).
  function report(node: CmsNode, req: CmsRequest, status: number | undefined, started: number, outcome: CmsRequestEvent["outcome"], n: number) {
    opts.onRequest?.({ node: node.name, method: req.method, path: req.path, status, ms: now() - started, outcome, attempt: n });
  }

  async function attempt<T>(node: CmsNode, req: CmsRequest, decode: (r: CmsReply) => T, n: number): Promise<T> {
    const started = now();
    let status: number | undefined;
    try {
      const reply = await exchange(node, req);
      status = reply.status;
      const refusal = refusalOf(node, req, reply);
      if (refusal) throw refusal;
      const value = decodeOrBadReply(node, req, reply, decode);
      report(node, req, status, started, "ok", n);
      return value;
    } catch (err) {
      report(node, req, status, started, err instanceof CmsError ? err.kind : "bad-reply", n);
      throw err;
    }
  }

  return (node, req, decode) =>
    withRetry(
      policy,
      { sleep, random },
      // The slot is held per attempt, not across the backoff sleep, so a retrying request
      // does not keep other work for that node waiting. Writes, and reads marked `ahead`, wait
      // ahead of the other reads (limiter.ts).
      (n) => limiter.run(node.name, () => attempt(node, req, decode, n), req.method !== "GET" || req.ahead === true),
      req.idempotent ? retryable : (err) => err instanceof CmsError && err.kind === "busy",
    );
}

const bases = new Map<string, { origin: string; prefix: string }>();

/**
 * A node's origin and whatever path its base URL has before `/api` (configured nodes have none),
 * parsed once per base URL rather than once per request.
 */
function baseOf(baseUrl: string): { origin: string; prefix: string } {
  let base = bases.get(baseUrl);
  if (!base) {
    const url = new URL(baseUrl);
    bases.set(baseUrl, (base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") }));
  }
  return base;
}

function where(node: CmsNode, req: CmsRequest) {
  return { node: node.name, method: req.method, path: req.path };
}

function baseHeaders(opts: CmsClientOptions): Record<string, string> {
  const headers: Record<string, string> = { Authorization: basicAuth(opts.username, opts.password) };
  if (opts.accessClientId !== undefined) headers["CF-Access-Client-Id"] = opts.accessClientId;
  if (opts.accessClientSecret !== undefined) headers["CF-Access-Client-Secret"] = opts.accessClientSecret;
  return headers;
}

// btoa takes Latin-1 only; going through UTF-8 bytes lets any password through.
function basicAuth(username: string, password: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(`${username}:${password}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** A non-2xx answer, or a 2xx carrying `<failureDetails>` (FMC treats that as a failure too). */
function refusalOf(node: CmsNode, req: CmsRequest, reply: CmsReply): CmsError | undefined {
  const ok = reply.status >= 200 && reply.status < 300;
  const detail = failureDetail(reply.body);
  if (ok && detail === undefined) return undefined;
  const kind = kindForStatus(ok ? 400 : reply.status, detail);
  return new CmsError({ kind, ...where(node, req), status: reply.status, detail });
}

function decodeOrBadReply<T>(node: CmsNode, req: CmsRequest, reply: CmsReply, decode: (r: CmsReply) => T): T {
  try {
    return decode(reply);
  } catch (err) {
    if (!(err instanceof UnusableReply)) throw err;
    throw new CmsError({ kind: "bad-reply", ...where(node, req), status: reply.status, note: err.message, cause: err });
  }
}
