/**
 * Runs the store contract inside workerd: GET /contract/durable-object or /contract/kv answers
 * every case's outcome as JSON. The Durable Object is the production class; each case gets an
 * instance of its own, and KV is emptied before each case. GET /leases does the same for the
 * Durable Object's leases (lease-cases.ts).
 */
import { createStorage } from "unstorage";
import cloudflareKVBindingDriver from "unstorage/drivers/cloudflare-kv-binding";
import { CmsState } from "../../src/runtime/worker-store.ts";
import { leaseCases } from "./lease-cases.ts";
import { durableObjectDriver } from "../../src/store/durable-object-driver.ts";
import { runContract } from "../store/contract.ts";

export { CmsState };

interface Bindings {
  STATE: DurableObjectNamespace<CmsState>;
  STATE_KV: KVNamespace;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/contract/durable-object") {
      return Response.json(
        await runContract(async () => {
          const id = env.STATE.idFromName(crypto.randomUUID());
          return createStorage({ driver: durableObjectDriver({ stub: () => env.STATE.get(id) }) });
        }),
      );
    }
    if (pathname === "/contract/kv") {
      return Response.json(
        await runContract(async () => {
          const storage = createStorage({ driver: cloudflareKVBindingDriver({ binding: env.STATE_KV }) });
          await storage.clear();
          return storage;
        }),
      );
    }
    if (pathname === "/leases") {
      const out = [];
      for (const c of leaseCases) {
        const id = env.STATE.idFromName(crypto.randomUUID());
        try {
          await c.run(() => env.STATE.get(id));
          out.push({ name: c.name, ok: true });
        } catch (err) {
          out.push({ name: c.name, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        }
      }
      return Response.json(out);
    }
    return new Response("not found\n", { status: 404 });
  },
} satisfies ExportedHandler<Bindings>;
