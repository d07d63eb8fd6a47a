/**
 * The simulated CMS cluster the bench runs against: HTTPS on loopback with a throwaway CA, and a
 * watch on every banner PUT so that "when did this call first show its banner" is known to the
 * millisecond without polling.
 */
import { createSimCluster, serveSimNode, type SimCluster, type SimNode } from "../../src/sim/index.ts";
import type { TestCa } from "../helpers/tls.ts";

const USER = "bench";
const PASSWORD = "bench-password";
const CALL_PUT = /^\/api\/v1\/calls\/([^/]+)$/i;

export interface CallRef {
  node: SimNode;
  callId: string;
}

export interface BenchCluster {
  cluster: SimCluster;
  /** CMS_* settings that point the service at this cluster and trust its CA. */
  settings: Record<string, string>;
  /** Resolves with performance.now() at the moment the last of `calls` shows `text`. */
  allShow(calls: CallRef[], text: string, timeoutMs: number): Promise<number>;
  /** performance.now() at the moment each of `calls` first showed `text`, earliest first, once all do. */
  showTimes(calls: CallRef[], text: string, timeoutMs: number): Promise<number[]>;
  /** Zeroes request counters, PUT history and peaks, so that a phase counts only its own traffic. */
  resetCounters(): void;
  close(): Promise<void>;
}

export async function startBenchCluster(names: string[], ca: TestCa): Promise<BenchCluster> {
  const cluster = createSimCluster({ nodes: names, username: USER, password: PASSWORD });
  const served = await Promise.all(cluster.nodes.map((n) => serveSimNode(n, { tls: { keyPem: ca.keyPem, certPem: ca.certPem } })));
  let onPut: (node: SimNode, callId: string) => void = () => {};
  for (const node of cluster.nodes) {
    const inner = node.fetch;
    node.fetch = async (req) => {
      const res = await inner(req);
      if (req.method === "PUT") {
        const callId = CALL_PUT.exec(new URL(req.url).pathname)?.[1];
        if (callId) onPut(node, decodeURIComponent(callId));
      }
      return res;
    };
  }

  /** performance.now() at the moment each of `calls` first showed `text`, earliest first, once all do. */
  function showTimes(calls: CallRef[], text: string, timeoutMs: number): Promise<number[]> {
    const key = (node: SimNode, callId: string) => `${node.name}/${callId}`;
    const shows = (node: SimNode, callId: string) => node.calls.get(callId)?.message?.text === text;
    const times: number[] = [];
    const pending = new Set<string>();
    for (const c of calls) {
      if (shows(c.node, c.callId)) times.push(performance.now());
      else pending.add(key(c.node, c.callId));
    }
    if (pending.size === 0) return Promise.resolve(times);
    return new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        onPut = () => {};
        reject(new Error(`${pending.size} of ${calls.length} calls still without "${text}" after ${timeoutMs} ms`));
      }, timeoutMs);
      onPut = (node, callId) => {
        if (!shows(node, callId) || !pending.delete(key(node, callId))) return;
        times.push(performance.now());
        if (pending.size > 0) return;
        clearTimeout(timer);
        onPut = () => {};
        resolve(times);
      };
    });
  }

  return {
    cluster,
    settings: {
      CMS_NODES: cluster.nodes.map((n, i) => `${n.name}=${served[i]!.url}`).join(","),
      CMS_USERNAME: USER,
      CMS_PASSWORD: PASSWORD,
      CMS_CA_FILE: ca.caFile,
    },
    allShow(calls, text, timeoutMs) {
      return showTimes(calls, text, timeoutMs).then((times) => times[times.length - 1] ?? performance.now());
    },
    showTimes,
    resetCounters() {
      for (const n of cluster.nodes) {
        Object.assign(n.requests, { reads: 0, writes: 0, peakInFlight: n.requests.inFlight, log: [] });
        n.puts.length = 0;
      }
    },
    close: async () => {
      await Promise.all(served.map((s) => s.close()));
    },
  };
}
