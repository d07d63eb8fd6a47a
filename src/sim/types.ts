/**
 * The simulator's public shapes: what demo, tests and bench code against.
 * The fields beyond the brief (`latencyMs`, `includeCallBridgeInCdr`, `cdrReceivers`, the call
 * counters) exist so that every open point of DOMAIN.md §10 that the simulator touches can be
 * set up from a test.
 */

export interface SimMessage {
  text: string;
  position: "top" | "middle" | "bottom";
  /** Seconds, or `permanent`. */
  duration: "permanent" | number;
}

export interface SimLegInput {
  displayName?: string;
  remoteParty?: string;
  type?: "sip" | "acano";
  /** As CMS writes it: `webApp`, `distributionLink`, `lync`… */
  subType?: string;
  guestConnection?: boolean;
  direction?: "incoming" | "outgoing";
  recording?: boolean;
  streaming?: boolean;
  id?: string;
}

export interface SimLeg extends SimLegInput {
  id: string;
  callId: string;
  /** Ms since epoch; feeds `durationSeconds` in the API and in callLegEnd. */
  startedAt: number;
  /** Set on distribution links by `linkNodes`: the peer node and its local call id. */
  peer?: { node: string; callId: string };
}

export interface SimCall {
  id: string;
  name: string;
  /** Empty for calls without a space (adHoc, forwarding): then no `<coSpace>` is written. */
  coSpace: string;
  correlator: string;
  callType: string;
  legs: Map<string, SimLeg>;
  /** `null` = no message set. */
  message: SimMessage | null;
  /** Ms since epoch when `message` was last set; a timed message counts down from here. */
  messageSetAt: number;
  startedAt: number;
  legsCompleted: number;
  legsMaxActive: number;
}

export interface FailureRule {
  /** Case-insensitive; any method when absent. */
  method?: string;
  /** Tested against the URL path only (no query string); any path when absent. */
  path?: RegExp;
  /** Answer with this status (empty body). Without `status` and `reset` the rule only delays. */
  status?: number;
  /** How many requests it fires for; default 1, `Infinity` allowed. */
  times?: number;
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

export interface RequestStats {
  /** GETs received (failed, refused and injected ones included). */
  reads: number;
  /** PUT/POST/DELETE received. */
  writes: number;
  inFlight: number;
  peakInFlight: number;
  /** `path` is the request target with its query; `status` is 0 when the connection was reset. */
  log: { method: string; path: string; status: number }[];
}

export interface SimLegOptions {
  /** Default true; false → callLegStart without `<call>`, then a callLegUpdate carrying it. */
  callKnownAtStart?: boolean;
  /** A callLegUpdate with `<ivr/>` comes first; implies the call is not known at start. */
  viaIvr?: boolean;
}

export interface SimNode {
  name: string;
  callBridgeId: string;
  /** New per `restart()`. */
  session: string;
  /** The served base URL (set by `serveSimNode`); peers list it in `/callBridges/<id>`. */
  address: string;
  fetch: (req: Request) => Response | Promise<Response>;
  startCall(c: { name: string; id?: string; coSpace?: string; correlator?: string; callType?: string }): { call: SimCall; records: string[] };
  /** callLegEnd for every remaining leg, then callEnd; removes the call. */
  endCall(callId: string): string[];
  addLeg(callId: string, l: SimLegInput, o?: SimLegOptions): { leg: SimLeg; records: string[] };
  /** callLegEnd, without a call id inside, as real CMS. */
  removeLeg(legId: string, reason?: string): string[];
  /** One `<records>` document for this node's current session. */
  records(...batches: string[][]): string;
  /** The next emitted record carries numPreceedingRecordsMissing=n and correlatorIndex jumps by n. */
  dropRecords(n: number): void;
  /** New session GUID, indexes restart; calls are kept. */
  restart(): void;
  calls: Map<string, SimCall>;
  /** The live leg with this id, from any of the node's calls. */
  leg(legId: string): SimLeg | undefined;
  requests: RequestStats;
  /** Every PUT /calls/<id> received; `status` 0 when the connection was reset. */
  puts: { callId: string; body: Record<string, string>; status: number }[];
  fail(rule: FailureRule): void;
  clearFailures(): void;
  /** Status for callDoesNotExist / callLegDoesNotExist (DOMAIN §10.4). */
  goneStatus: 404 | 400;
  /** DOMAIN §10.2: whether distribution-link legs appear in CDRs (the API always lists them). */
  includeDistributionLinksInCdr: boolean;
  /** DOMAIN §10.14: CMS 3.3.0.6 was seen sending clustered records without `callBridge`. */
  includeCallBridgeInCdr: boolean;
  /** Added to every API request, so that concurrent requests overlap. */
  latencyMs: number;
  /** Receiver id → URL, as configured through `/system/cdrReceivers`. */
  cdrReceivers: Map<string, string>;
}

export interface SimCluster {
  nodes: SimNode[];
  /** Throws for a name that is not in the cluster. */
  node(name: string): SimNode;
}

export interface SimClusterOptions {
  nodes: string[];
  username?: string;
  password?: string;
  /** Server-side maximum page size; default 10. */
  pageCap?: number;
}
