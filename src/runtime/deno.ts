/**
 * Deno entry: read settings (environment, optional CONFIG_FILE), build the store (Deno KV in a
 * file by default) and the CMS HTTP client, serve the app with Deno.serve, reconcile, and shut
 * down gracefully.
 */
import type { Context } from "hono";
import { createStorage, type Storage } from "unstorage";
import denoKvDriver from "unstorage/drivers/deno-kv";
import memoryDriver from "unstorage/drivers/memory";
import type { CmsTransportOptions } from "../cms/client.ts";
import { configWarnings, loadConfig, secretsOf, type Config } from "../config.ts";
import { mergeSettings, parseConfigFile } from "../config-file.ts";
import { createApp } from "../http/app.ts";
import { createLogger, errorText } from "../service/log.ts";
import { createService } from "../service/service.ts";
import { openFsStore } from "./fs-journal-driver.ts";

const DEFAULT_STORAGE = "deno-kv:./data/kv.sqlite";

async function settings(): Promise<Record<string, string | undefined>> {
  const env = Deno.env.toObject();
  const file = env.CONFIG_FILE;
  const merged = mergeSettings(file ? parseConfigFile(await Deno.readTextFile(file), file) : {}, env);
  return { ...merged, STORAGE: merged.STORAGE || DEFAULT_STORAGE };
}

async function storageFor(config: Config): Promise<Storage> {
  const spec = config.storage;
  if (spec.kind === "deno-kv") {
    const dir = spec.path.includes("/") ? spec.path.slice(0, spec.path.lastIndexOf("/")) : "";
    if (dir) await Deno.mkdir(dir, { recursive: true });
    return createStorage({ driver: denoKvDriver({ path: spec.path }) });
  }
  // Deno runs the Node fs store through its node:fs: the same journal and lock, so a directory
  // moves between the Node and Deno entries unchanged.
  if (spec.kind === "fs") {
    const store = openFsStore(spec.dir);
    await store.ready();
    return store.storage;
  }
  return createStorage({ driver: memoryDriver() });
}

/** What the schema accepts but Deno cannot do. */
function denoOnly(config: Config): string[] {
  const errors: string[] = [];
  if (!["deno-kv", "fs", "memory"].includes(config.storage.kind)) {
    errors.push(`STORAGE: ${config.storage.kind} is not available on Deno; use deno-kv:<file> (default ${DEFAULT_STORAGE}), fs:<dir> or memory`);
  }
  if (config.cms.tlsInsecure) errors.push("CMS_TLS_INSECURE: not available on Deno; set CMS_CA_FILE to the CA that signed the CMS certificate");
  return errors;
}

/** Deno's fetch trusts only the system roots unless handed a client that adds the CMS CA. */
async function cmsTransport(config: Config): Promise<CmsTransportOptions> {
  if (!config.cms.caFile) return {};
  return { client: Deno.createHttpClient({ caCerts: [await Deno.readTextFile(config.cms.caFile)] }) };
}

async function configOrExit(): Promise<Config> {
  let errors: string[];
  try {
    const loaded = loadConfig(await settings());
    errors = loaded.ok ? denoOnly(loaded.config) : loaded.errors;
    if (loaded.ok && !errors.length) return loaded.config;
  } catch (err) {
    errors = [errorText(err)];
  }
  for (const e of errors) console.error(`cms-notify: configuration error: ${e}`);
  Deno.exit(2);
}

async function main() {
  const config = await configOrExit();
  const log = createLogger({
    level: config.logLevel,
    write: (line) => console.log(line),
    now: Date.now,
    secrets: secretsOf(config),
  });
  for (const warning of configWarnings(config)) log.warn(warning);
  const storage = await storageFor(config);
  const service = createService({ config, storage, log, cmsTransport: await cmsTransport(config) });
  const app = createApp(service, { clientAddress: (c: Context) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>).remoteAddr.hostname });
  const server = Deno.serve(
    {
      hostname: config.host,
      port: config.port,
      onListen: ({ port }) => {
        log.info("listening", { host: config.host, port, nodes: config.nodes.map((n) => n.name), storage: config.storage.kind });
        service.start();
      },
    },
    // The connection info rides in as Hono's `env`, for clientAddress above.
    (request, info) => app.fetch(request, info),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    await server.shutdown();
    await service.stop();
    await storage.dispose();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
}

await main();
