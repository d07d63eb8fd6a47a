/** A simulated cluster served over loopback HTTP, and a client pointed at it, for the CMS client tests. */
import { createCmsClient, type CmsClient, type CmsClientOptions, type CmsNode, type CmsRequestEvent } from "../../src/cms/client.ts";
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

/** A client with instant backoff, recording every attempt it reports. */
export function testClient(extra: Partial<CmsClientOptions> = {}): { client: CmsClient; events: CmsRequestEvent[]; sleeps: number[] } {
  const events: CmsRequestEvent[] = [];
  const sleeps: number[] = [];
  const client = createCmsClient({
    username: USERNAME,
    password: PASSWORD,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { client, events, sleeps };
}
