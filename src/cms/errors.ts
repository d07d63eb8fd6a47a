/**
 * The CMS client's one error type. Every failure of a CMS API request becomes a CmsError whose
 * `kind` tells the caller what to do next (retry, drop the call, alert the operator), and whose
 * message says what was being done — never which credentials were used.
 */

export type CmsErrorKind =
  | "unreachable" // no HTTP answer: DNS, refused, reset, TLS failure
  | "timeout" // no complete answer within timeoutMs
  | "unauthorised" // 401/403: wrong API user or password, or an Access policy refusing us
  | "gone" // the call or leg no longer exists on this node (…DoesNotExist, 404 or 400)
  | "busy" // 503 (or 429 from a proxy, or a transient failureDetails code): come back later
  | "rejected" // any other refusal, e.g. parameterError; retrying will not help
  | "bad-reply"; // an answer we cannot use: unparsable XML, missing Location, a 5xx fault

export interface CmsErrorInit {
  kind: CmsErrorKind;
  node: string;
  method: string;
  path: string;
  status?: number;
  detail?: string;
  /** Extra words for the message, e.g. a socket error code or a parse problem. */
  note?: string;
  cause?: unknown;
}

export class CmsError extends Error {
  override name = "CmsError";
  readonly kind: CmsErrorKind;
  readonly node: string;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  /** The `<failureDetails>` child name, e.g. callDoesNotExist or parameterError. */
  readonly detail?: string;

  constructor(init: CmsErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.node = init.node;
    this.method = init.method;
    this.path = init.path;
    if (init.status !== undefined) this.status = init.status;
    if (init.detail !== undefined) this.detail = init.detail;
  }
}

// Built only from request coordinates, status and detail: nothing here can carry a header,
// a password or a request body (a CDR receiver URL holds its secret in the body).
function describe(init: CmsErrorInit): string {
  const what = [init.status, init.kind, init.detail && `(${init.detail})`, init.note]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
  return `${init.method} ${init.path} on node ${init.node}: ${what}`;
}

/**
 * Thrown by decoders for an answer that lacks what we need (malformed XML, no id, no Location);
 * the transport turns it into a CmsError of kind "bad-reply" that names the request.
 */
export class UnusableReply extends Error {
  override name = "UnusableReply";
}

/** True when trying again later may succeed: nothing answered, or the server itself failed. */
export function retryable(err: unknown): boolean {
  if (!(err instanceof CmsError)) return false;
  if (err.kind === "unreachable" || err.kind === "timeout" || err.kind === "busy") return true;
  return err.status !== undefined && err.status >= 500;
}

// failureDetails codes that describe a passing state of the server rather than our request.
const transientDetails = new Set(["databasenotready", "callbridgeunavailable"]);

/**
 * The kind for an HTTP answer that is not a success. 400 and 404 both mean "gone" when the
 * failureDetails child ends in DoesNotExist: sources disagree on which status CMS uses (DOMAIN §10.4).
 */
export function kindForStatus(status: number, detail: string | undefined): CmsErrorKind {
  if (status === 401 || status === 403) return "unauthorised";
  if ((status === 400 || status === 404) && detail !== undefined && /DoesNotExist$/i.test(detail)) {
    return "gone";
  }
  if (status === 503 || status === 429) return "busy";
  if (detail !== undefined && transientDetails.has(detail.toLowerCase())) return "busy";
  // A 5xx other than 503 is the server's fault, not ours; retryable() still retries it by status.
  if (status >= 500) return "bad-reply";
  return "rejected";
}
