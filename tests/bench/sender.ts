/**
 * Posts CDRs as a CMS receiver connection does: one batch at a time per node, the next only after
 * the 200 for the last, over one keep-alive connection. node:http rather than fetch, so that the
 * load generator spends as little of the shared CPU as it can.
 */
import { Agent, request } from "node:http";
import type { SimNode } from "../../src/sim/index.ts";
import type { Step } from "./meetings.ts";

export const BATCH = 10;

export interface Sent {
  records: number;
  /** Milliseconds per POST, in order. */
  latencies: number[];
  /** performance.now() when the first POST went out and when the last answer came. */
  firstAt: number;
  lastAt: number;
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "text/xml", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `steps` lazily, posting their records to `<service>/cdr/<node>` in batches of BATCH. */
export async function sendSteps(serviceUrl: string, node: SimNode, steps: Iterable<Step>): Promise<Sent> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`/cdr/${node.name}`, serviceUrl);
  const sent: Sent = { records: 0, latencies: [], firstAt: 0, lastAt: 0 };
  let pending: string[] = [];
  const flush = async (records: string[]) => {
    const body = node.records(records);
    const t0 = performance.now();
    if (sent.firstAt === 0) sent.firstAt = t0;
    const status = await post(agent, url, body);
    sent.lastAt = performance.now();
    if (status !== 200) throw new Error(`POST ${url.pathname} answered ${status}`);
    sent.latencies.push(sent.lastAt - t0);
    sent.records += records.length;
  };
  try {
    for (const step of steps) {
      pending.push(...step());
      while (pending.length >= BATCH) {
        await flush(pending.slice(0, BATCH));
        pending = pending.slice(BATCH);
      }
    }
    if (pending.length) await flush(pending);
  } finally {
    agent.destroy();
  }
  return sent;
}

/** Every node posts its own steps at once, as the nodes of a cluster do; their figures as one. */
export const postFromAll = (url: string, nodes: SimNode[], steps: (node: SimNode) => Iterable<Step>): Promise<Sent> =>
  Promise.all(nodes.map((n) => sendSteps(url, n, steps(n)))).then(together);

/** Both senders' figures as one: records, every latency, first POST to last answer. */
export function together(parts: Sent[]): Sent {
  return {
    records: parts.reduce((n, p) => n + p.records, 0),
    latencies: parts.flatMap((p) => p.latencies),
    firstAt: Math.min(...parts.map((p) => p.firstAt)),
    lastAt: Math.max(...parts.map((p) => p.lastAt)),
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
