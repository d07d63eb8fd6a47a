/**
 * A simulated cluster served over loopback HTTP, and a client pointed at it, for the CMS client
 * tests; and the two HTTP exchanges the client runs on, so that every test runs over both.
 */
import { describe } from "node:test";
import { inspect } from "node:util";
import { getGlobalDispatcher, type Dispatcher } from "undici";
import {
  createCmsClient,
  type CmsClient,
  type CmsClientOptions,
  type CmsNode,
  type CmsRequestEvent,
  type CmsTransportOptions,
} from "../../src/cms/client.ts";
import { undiciExchange } from "../../src/runtime/undici-exchange.ts";
import { createSimCluster, serveSimNode, type SimCluster, type SimNode } from "../../src/sim/index.ts";

export const USERNAME = "apiuser";
export const PASSWORD = "s3cret-Pa55word";

export interface SimFixture {
  cluster: SimCluster;
  /** The simulated node `cb-a` and how the client addresses it. */
  sim: SimNode;
  node: CmsNode;
  nodeOf(name: string): CmsNode;
  close(): Promise<void>;
}

export async function startSim(opts: { pageCap?: number; nodes?: string[] } = {}): Promise<SimFixture> {
  const names = opts.nodes ?? ["cb-a", "cb-b"];
  const cluster = createSimCluster({ nodes: names, username: USERNAME, password: PASSWORD, pageCap: opts.pageCap ?? 10 });
  const served = await Promise.all(names.map((name) => serveSimNode(cluster.node(name))));
  const nodeOf = (name: string): CmsNode => ({ name, baseUrl: served[names.indexOf(name)]!.url });
  return {
    cluster,
    sim: cluster.node(names[0]!),
    node: nodeOf(names[0]!),
    nodeOf,
    close: async () => {
      await Promise.all(served.map((s) => s.close()));
    },
  };
}

/** How the client's requests reach the network: what a runtime entry hands it as `transport`. */
export interface Via {
  name: string;
  /** The client's transport options, trusting what `dispatcher` trusts (default: the system CAs). */
  transport(dispatcher?: Dispatcher): CmsTransportOptions;
}

export const VIAS: Via[] = [
  // The default, and what Deno and Workers use: ofetch over the global fetch.
  { name: "ofetch", transport: (dispatcher) => (dispatcher ? { dispatcher } : {}) },
  // What the Node entries use.
  { name: "undici", transport: (dispatcher) => ({ exchange: undiciExchange(dispatcher ?? getGlobalDispatcher()) }) },
];

/** The tests in `body` once per exchange, each in a suite of its own (so its own before/after). */
export function overEachExchange(body: (via: Via) => void): void {
  for (const via of VIAS) describe(`over ${via.name}`, () => body(via));
}

/** A client with instant backoff, recording every attempt it reports. */
export function testClient(via: Via, extra: Partial<CmsClientOptions> = {}): { client: CmsClient; events: CmsRequestEvent[]; sleeps: number[] } {
  const events: CmsRequestEvent[] = [];
  const sleeps: number[] = [];
  const client = createCmsClient({
    username: USERNAME,
    password: PASSWORD,
    transport: via.transport(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { client, events, sleeps };
}

/** Everything an error shows when logged, printed or serialised, its whole cause chain included. */
export function shownOf(err: unknown): string {
  return `${inspect(err, { depth: 10, showHidden: true, getters: true })} ${JSON.stringify(err)} ${String(err)}`;
}
