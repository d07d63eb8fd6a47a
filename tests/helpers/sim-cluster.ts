/**
 * A simulated CMS cluster served on loopback, plus the settings that point the service at it.
 * HTTPS with a test CA wherever the runtime under test can trust one; plain HTTP on workerd.
 */
import { createSimCluster, serveSimNode, type SimCluster } from "../../src/sim/index.ts";
import { trustsPrivateCa } from "./service-process.ts";
import { makeTestCa, type TestCa } from "./tls.ts";

export const CMS_USER = "apiuser";
export const CMS_PASSWORD = "s3cret-Pa55word";

let ca: Promise<TestCa> | undefined;
/** One CA per test process is enough; making it costs a few openssl runs. */
export const testCa = () => (ca ??= makeTestCa());

export interface ServedCluster {
  cluster: SimCluster;
  urls: Record<string, string>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startSimCluster(nodes: string[] = ["cb-a"], opts: { pageCap?: number; tls?: boolean } = {}): Promise<ServedCluster> {
  const tls = (opts.tls ?? trustsPrivateCa()) ? await testCa() : undefined;
  const cluster = createSimCluster({ nodes, username: CMS_USER, password: CMS_PASSWORD, pageCap: opts.pageCap });
  const served = await Promise.all(cluster.nodes.map((n) => serveSimNode(n, tls ? { tls: { keyPem: tls.keyPem, certPem: tls.certPem } } : {})));
  const urls = Object.fromEntries(cluster.nodes.map((n, i) => [n.name, served[i]!.url]));
  return {
    cluster,
    urls,
    env: {
      CMS_NODES: cluster.nodes.map((n) => `${n.name}=${urls[n.name]}`).join(","),
      CMS_USERNAME: CMS_USER,
      CMS_PASSWORD,
      ...(tls ? { CMS_CA_FILE: tls.caFile } : {}),
    },
    close: async () => {
      await Promise.all(served.map((s) => s.close()));
    },
  };
}
