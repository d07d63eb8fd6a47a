/**
 * Cloudflare Workers entry: the same app, configured from the Worker's vars and secrets (same
 * names as the environment on Node). Call state lives in a Durable Object by default
 * (`STORAGE=durable-object`), or in a KV namespace (`STORAGE=kv`). A Cron Trigger runs the
 * reconciler; banner writes run after the answer under `ctx.waitUntil` (see http/app.ts).
 *
 * workerd cancels a request that waits on a promise another request would settle, so nothing
 * that queues or locks may be shared between requests: each request (and each cron run) gets a
 * service of its own. Only what holds no pending work lasts for the isolate: the configuration,
 * the Storage (a stateless client of the Durable Object) and the telemetry. Writes are ordered
 * across requests and isolates by leases held in the Durable Object, as Redis leases do on Node.
 */
import { createStorage, type Storage } from "unstorage";
import cloudflareKVBindingDriver from "unstorage/drivers/cloudflare-kv-binding";
import { configWarnings, loadConfig, secretsOf, type Config } from "../config.ts";
import { createApp } from "../http/app.ts";
import { cloudflareClient } from "../http/client-address.ts";
import type { KeyedMutex } from "../service/keyed-mutex.ts";
import { createLogger, errorText, type Logger } from "../service/log.ts";
import { createService, createTelemetry, type Service, type Telemetry } from "../service/service.ts";
import { durableObjectDriver } from "../store/durable-object-driver.ts";
import { durableObjectLeases } from "./worker-leases.ts";
import { CmsState, STATE_OBJECT_NAME } from "./worker-store.ts";

export { CmsState };

interface Bindings {
  STATE: DurableObjectNamespace<CmsState>;
  STATE_KV?: KVNamespace;
}

interface Isolate {
  config: Config;
  log: Logger;
  storage: Storage;
  telemetry: Telemetry;
  /** Leases for one request's service; only with the Durable Object store (KV has no atomic step). */
  locks?: () => KeyedMutex;
}

type Setup = { ok: true; isolate: Isolate } | { ok: false; errors: string[] };

let setup: Setup | undefined;

/** Vars and secrets are strings; bindings (objects) are not settings. */
function settings(env: object): Record<string, string> {
  const out: Record<string, string> = { STORAGE: "durable-object" };
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") out[name] = value;
  return out;
}

function storeFor(config: Config, env: Bindings): Pick<Isolate, "storage" | "locks"> {
  const spec = config.storage;
  if (spec.kind === "durable-object") {
    const ns = env.STATE;
    // A stub per operation: a stub belongs to the request that made it, this Storage to the isolate.
    const stub = () => ns.get(ns.idFromName(STATE_OBJECT_NAME));
    return { storage: createStorage({ driver: durableObjectDriver({ stub }) }), locks: () => durableObjectLeases(stub) };
  }
  if (spec.kind === "kv") {
    if (!env.STATE_KV) throw new Error("STORAGE: kv needs the STATE_KV namespace binding in wrangler.toml");
    return { storage: createStorage({ driver: cloudflareKVBindingDriver({ binding: env.STATE_KV }) }) };
  }
  throw new Error(`STORAGE: ${spec.kind} is not available on Workers; use durable-object (default) or kv`);
}

/** Workers make their own TLS connections and trust only public CAs; a tunnel's certificate is one. */
function workersOnly(config: Config): string[] {
  const errors: string[] = [];
  if (config.cms.caFile) errors.push("CMS_CA_FILE: not available on Workers; reach each CMS node through a Cloudflare Tunnel hostname");
  if (config.cms.tlsInsecure) errors.push("CMS_TLS_INSECURE: not available on Workers; reach each CMS node through a Cloudflare Tunnel hostname");
  return errors;
}

function prepare(env: Bindings): Setup {
  const loaded = loadConfig(settings(env));
  if (!loaded.ok) return loaded;
  const config = loaded.config;
  const errors = workersOnly(config);
  if (errors.length) return { ok: false, errors };
  let store: Pick<Isolate, "storage" | "locks">;
  try {
    store = storeFor(config, env);
  } catch (err) {
    return { ok: false, errors: [errorText(err)] };
  }
  const log = createLogger({ level: config.logLevel, write: (line) => console.log(line), now: Date.now, secrets: secretsOf(config) });
  for (const warning of configWarnings(config)) log.warn(warning);
  return { ok: true, isolate: { config, log, ...store, telemetry: createTelemetry(config) } };
}

function isolate(env: Bindings): Setup {
  if (!setup) {
    setup = prepare(env);
    if (!setup.ok) for (const e of setup.errors) console.error(`cms-notify: configuration error: ${e}`);
  }
  return setup;
}

const serviceFor = ({ config, log, storage, telemetry, locks }: Isolate) => createService({ config, log, storage, telemetry, locks: locks?.() });

/** How long a request may stay on after its answer to retry banner writes (waitUntil allows 30 s). */
const RETRY_WINDOW_MS = 25_000;

/**
 * Keeps the request alive while the applier has work in hand or a retry scheduled: a timer of a
 * finished request never fires. Whatever is still failing after the window, the cron repairs.
 */
async function settle(service: Service): Promise<void> {
  const deadline = Date.now() + RETRY_WINDOW_MS;
  for (;;) {
    await service.applier.idle();
    if (service.applier.status().retrying === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export default {
  async fetch(request, env, ctx) {
    const s = isolate(env);
    if (!s.ok) return new Response(`cms-notify: configuration error\n${s.errors.join("\n")}\n`, { status: 500 });
    const service = serviceFor(s.isolate);
    const response = await createApp(service, { clientAddress: cloudflareClient, keepAlive: (c, work) => c.executionCtx.waitUntil(work) }).fetch(request, env, ctx);
    ctx.waitUntil(settle(service));
    return response;
  },

  scheduled(_controller, env, ctx) {
    const s = isolate(env);
    if (!s.ok) return;
    const service = serviceFor(s.isolate);
    // The reconciler hands corrections to the applier; the run lasts until those writes are done.
    ctx.waitUntil(service.reconcile("cron").then(() => settle(service)));
  },
} satisfies ExportedHandler<Bindings>;
