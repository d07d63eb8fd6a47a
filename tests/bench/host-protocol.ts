/** What the bench and its service host (service-host.ts) say to each other over IPC. */

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
