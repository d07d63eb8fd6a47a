/**
 * The seam between the CMS client and a runtime's HTTP stack: one request out, one complete
 * answer back, or an ExchangeFailure saying why there is none. The default goes through ofetch
 * (fetch-exchange.ts) and works everywhere; a runtime may hand in a cheaper one (Node:
 * src/runtime/undici-exchange.ts). Retries, limits and classifying answers stay in transport.ts.
 */

export interface ExchangeRequest {
  /** Absolute URL, query included: `origin` + `path`. */
  url: string;
  /** The URL's origin (`https://host:port`) and the rest of it, for an HTTP stack that takes them apart. */
  origin: string;
  path: string;
  method: "GET" | "PUT" | "POST";
  /** Sent as given; they carry the Authorization header, so they must not reach any error. */
  headers: Record<string, string>;
  /** The only request body the CMS API takes; Content-Type is already in `headers`. */
  form?: URLSearchParams;
  /** The deadline for the whole exchange: connecting, the headers and the complete body. */
  timeoutMs: number;
}

/** The one thing decoders read from the headers (`Location`); a WHATWG Headers is one. */
export interface ReplyHeaders {
  get(name: string): string | null;
}

export interface ExchangeReply {
  status: number;
  body: string;
  headers: ReplyHeaders;
}

export type Exchange = (req: ExchangeRequest) => Promise<ExchangeReply>;

/**
 * No complete HTTP answer. `cause` is the runtime's own network error (or the deadline), never
 * an object holding the request options, so that no header can be reached through it.
 */
export class ExchangeFailure extends Error {
  override name = "ExchangeFailure";
  readonly kind: "timeout" | "unreachable";
  /** A socket or TLS error code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE…) or "after N ms". */
  readonly note: string | undefined;

  constructor(kind: "timeout" | "unreachable", note: string | undefined, cause: unknown) {
    super(note === undefined ? kind : `${kind} ${note}`, { cause });
    this.kind = kind;
    this.note = note;
  }
}

/** The first error code along the cause chain (ECONNREFUSED, UND_ERR_SOCKET, a TLS code…). */
export function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
