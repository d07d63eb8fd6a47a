/**
 * The Durable Object that holds call state on Workers, and grants the leases that order writes
 * across requests and isolates. Call state is a key-value map in the object's SQLite-backed storage,
 * answered over RPC for `store/durable-object-driver.ts`; one instance serves the deployment, so
 * every isolate sees every write at once. The synchronous KV API makes each method one implicit
 * transaction: `setItems` lands whole or not at all.
 *
 * Leases (granted here, used through worker-leases.ts) live in the object's memory: the object
 * stays up while holders renew them, and should it restart, a lease lost costs at most one
 * duplicate write, which the applier's comparison then settles.
 */
import { DurableObject } from "cloudflare:workers";
import type { KeyValueRpc } from "../store/durable-object-driver.ts";
import type { LeaseRpc } from "./worker-leases.ts";

/** The one instance's name; a second deployment with its own state needs its own namespace. */
export const STATE_OBJECT_NAME = "cms-notify-state";

export class CmsState extends DurableObject implements KeyValueRpc, LeaseRpc {
  private readonly leases = new Map<string, { token: string; until: number }>();

  private get kv(): SyncKvStorage {
    return this.ctx.storage.kv;
  }

  async getItem(key: string): Promise<string | null> {
    return this.kv.get<string>(key) ?? null;
  }

  async getItems(keys: string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.kv.get<string>(key) ?? null);
  }

  async hasItem(key: string): Promise<boolean> {
    return this.kv.get(key) !== undefined;
  }

  async setItem(key: string, value: string): Promise<void> {
    this.kv.put(key, value);
  }

  async setItems(items: { key: string; value: string }[]): Promise<void> {
    for (const { key, value } of items) this.kv.put(key, value);
  }

  async removeItem(key: string): Promise<void> {
    this.kv.delete(key);
  }

  async getKeys(prefix: string): Promise<string[]> {
    return [...this.kv.list(prefix ? { prefix } : {})].map(([key]) => key);
  }

  async clear(prefix: string): Promise<void> {
    for (const key of await this.getKeys(prefix)) this.kv.delete(key);
  }

  async acquireLease(name: string, token: string, ms: number): Promise<boolean> {
    const now = Date.now();
    const held = this.leases.get(name);
    if (held && held.token !== token && held.until > now) return false;
    this.leases.set(name, { token, until: now + ms });
    return true;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    if (this.leases.get(name)?.token === token) this.leases.delete(name);
  }
}
