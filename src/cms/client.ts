/**
 * The CMS REST API client: the few objects cms-notify reads and the one it writes (the call's
 * message, i.e. the banner), for any node of a cluster. Failures arrive as CmsError (errors.ts);
 * retries, the per-node concurrency bound and deadlines live in transport.ts.
 */
import type { Banner } from "../core/model.ts";
import * as decode from "./decode.ts";
import type { CmsErrorKind } from "./errors.ts";
import type { Exchange } from "./exchange.ts";
import { listAll } from "./paging.ts";
import { createTransport, type CmsReply } from "./transport.ts";
import { children, parseXml, type XmlElement } from "./xml.ts";

export interface CmsNode {
  name: string;
  /** Scheme, host and port, without `/api/v1`: e.g. `https://10.0.0.5:445`. */
  baseUrl: string;
}

export interface CmsRequestEvent {
  node: string;
  method: string;
  path: string;
  status?: number;
  ms: number;
  outcome: "ok" | CmsErrorKind;
  attempt: number;
}

/** A runtime's HTTP side for the client: its own exchange, or extra options for ofetch. */
export type CmsTransportOptions = { exchange?: Exchange } & Record<string, unknown>;

export interface CmsClientOptions {
  username: string;
  password: string;
  /** Per attempt, headers and body together. Default 10000. */
  timeoutMs?: number;
  /** Sent as CF-Access-Client-Id / CF-Access-Client-Secret on every request when set. */
  accessClientId?: string;
  accessClientSecret?: string;
  /**
   * What the runtime adds to the HTTP side, passed through the service and the CLI untouched:
   * `exchange`, a function that makes the request itself (Node: undici.request, see
   * src/runtime/undici-exchange.ts), or else options merged into every ofetch request (a Deno
   * `client`). Without either, plain ofetch over the global fetch.
   */
  transport?: CmsTransportOptions;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** One bound across all methods for one node. Default 8. */
  maxInFlightPerNode?: number;
  /** `limit=` sent when paging, default 50; the server may cap it lower. */
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Called for every attempt, for logs and metrics. */
  onRequest?: (e: CmsRequestEvent) => void;
}

export interface ApiMessage {
  text: string;
  position: string;
  duration: "permanent" | number;
}

export interface ApiCallSummary {
  id: string;
  name: string;
  coSpace?: string;
  correlator?: string;
  tenant?: string;
}

export interface ApiCall extends ApiCallSummary {
  callType?: string;
  /** null when messageText is absent or empty. */
  message: ApiMessage | null;
  numCallLegs?: number;
}

export interface ApiLegSummary {
  id: string;
  name?: string;
  remoteParty?: string;
  callId?: string;
}

export interface ApiLeg extends ApiLegSummary {
  type?: string;
  subType?: string;
  lyncSubType?: string;
  direction?: string;
  state?: string;
  recording: boolean;
  streaming: boolean;
  deactivated: boolean;
}

export interface ApiCallBridge {
  id: string;
  name: string;
  address?: string;
}

export interface CmsSystemStatus {
  softwareVersion?: string;
  clusterEnabled?: boolean;
  uptimeSeconds?: number;
}

export interface CmsClient {
  /** Every call on the node; `onPage` is told each page's new calls as soon as it is read. */
  listCalls(node: CmsNode, onPage?: (calls: ApiCallSummary[]) => void): Promise<ApiCallSummary[]>;
  getCall(node: CmsNode, callId: string): Promise<ApiCall>;
  listCallLegs(node: CmsNode, callId: string): Promise<ApiLegSummary[]>;
  getCallLeg(node: CmsNode, legId: string): Promise<ApiLeg>;
  /** Sets the call's message; null clears it. */
  setCallMessage(node: CmsNode, callId: string, banner: Banner | null): Promise<void>;
  /** The cluster's bridges, each with the API address from its detail. */
  listCallBridges(node: CmsNode): Promise<ApiCallBridge[]>;
  getSystemStatus(node: CmsNode): Promise<CmsSystemStatus>;
  listCdrReceivers(node: CmsNode): Promise<{ id: string; uri: string }[]>;
  /** Returns the new receiver's id, taken from the Location header. */
  addCdrReceiver(node: CmsNode, url: string): Promise<string>;
}

const API = "/api/v1";
const id = encodeURIComponent;

export function createCmsClient(opts: CmsClientOptions): CmsClient {
  const send = createTransport(opts);
  const pageSize = opts.pageSize ?? 50;

  const get = <T>(node: CmsNode, path: string, root: string, read: (el: XmlElement) => T) =>
    send(node, { method: "GET", path, idempotent: true }, (reply: CmsReply) => read(parseXml(reply.body, root).root));

  return {
    listCalls: (node, onPage) =>
      listAll(send, node, pageSize, { path: `${API}/calls`, list: "calls", item: "call", decode: decode.callSummary, onPage, ahead: onPage !== undefined }),

    getCall: (node, callId) => get(node, `${API}/calls/${id(callId)}`, "call", decode.call),

    listCallLegs: (node, callId) =>
      listAll(send, node, pageSize, {
        path: `${API}/calls/${id(callId)}/callLegs`,
        list: "callLegs",
        item: "callLeg",
        decode: decode.legSummary,
      }),

    getCallLeg: (node, legId) => get(node, `${API}/callLegs/${id(legId)}`, "callLeg", decode.leg),

    setCallMessage: (node, callId, banner) =>
      // Setting the message to a value is idempotent, so the PUT may be retried.
      send(node, { method: "PUT", path: `${API}/calls/${id(callId)}`, form: messageForm(banner), idempotent: true }, () => undefined),

    async listCallBridges(node) {
      const bridges = await listAll(send, node, pageSize, {
        path: `${API}/callBridges`,
        list: "callBridges",
        item: "callBridge",
        decode: decode.callBridge,
      });
      // Only the detail carries <address>; the limiter bounds these lookups per node.
      return Promise.all(
        bridges.map((b) => get(node, `${API}/callBridges/${id(b.id)}`, "callBridge", decode.callBridge)),
      );
    },

    getSystemStatus: (node) => get(node, `${API}/system/status`, "status", decode.systemStatus),

    // A node holds at most four receivers (DOMAIN §9): one page, no paging.
    listCdrReceivers: (node) =>
      get(node, `${API}/system/cdrReceivers`, "cdrReceivers", (root) => children(root, "cdrReceiver").map(decode.cdrReceiver)),

    addCdrReceiver: (node, url) =>
      send(
        node,
        { method: "POST", path: `${API}/system/cdrReceivers`, form: new URLSearchParams({ url }), idempotent: false },
        (reply) => decode.locationId(reply.headers.get("location")),
      ),
  };
}

// Clearing sends an empty text with duration 0: the documented way to stop a message showing
// (DOMAIN §6.5, §10.9), leaving the position as it was.
function messageForm(banner: Banner | null): URLSearchParams {
  if (banner === null) return new URLSearchParams({ messageText: "", messageDuration: "0" });
  return new URLSearchParams({
    messageText: banner.text,
    messagePosition: banner.position,
    messageDuration: String(banner.duration),
  });
}
