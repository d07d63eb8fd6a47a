/** What the bench and its hosts (service-host.ts, floor-host.ts) say to each other over IPC. */

export type HostRequest =
  | { id: number; cmd: "reconcile"; reason: string }
  | { id: number; cmd: "idle" | "memory" | "cpu" | "ops" | "store" | "stop" };

export type HostReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface StoreSizes {
  keys: number;
  /** Key names plus stored JSON, in bytes. */
  bytes: number;
  /** By what the key holds (`call`, `legcall`, `applied`…; the audit entries and their day index as `audit`). */
  byClass: Record<string, { keys: number; bytes: number }>;
}

export interface HostMemory {
  heapUsed: number;
  rss: number;
}

/** A host's side of the channel: each request answered with what `handle` gives, or its error. */
export function answerRequests(handle: (req: HostRequest) => Promise<unknown>) {
  process.on("message", (req: HostRequest) => {
    handle(req).then(
      (value) => process.send!({ id: req.id, ok: true, value } satisfies HostReply),
      (err: unknown) => process.send!({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies HostReply),
    );
  });
}

/** CPU milliseconds (user + system, every thread) this process has used so far: the "cpu" answer. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
