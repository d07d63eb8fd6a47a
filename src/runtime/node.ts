/**
 * Node entry: read settings (environment, optional CONFIG_FILE), build the store and the CMS
 * transport, serve the app with @hono/node-server, reconcile, and shut down gracefully.
 */
import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { Agent } from "undici";
import { createStorage, type Storage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig, type Config } from "../config.ts";
import { mergeSettings, parseConfigFile } from "../config-file.ts";
import { createApp } from "../http/app.ts";
import { createLogger, errorText } from "../service/log.ts";
import { createService } from "../service/service.ts";
import { atomicFsDriver } from "./fs-driver.ts";
import { createRedisStore } from "./redis.ts";
import type { KeyedMutex } from "../service/keyed-mutex.ts";

function settings(): Record<string, string | undefined> {
  const file = process.env.CONFIG_FILE;
  return mergeSettings(file ? parseConfigFile(readFileSync(file, "utf8"), file) : {}, process.env);
}

function storeFor(config: Config): { storage: Storage; locks?: KeyedMutex; close?: () => Promise<void> } {
  const spec = config.storage;
  if (spec.kind === "memory") return { storage: createStorage({ driver: memoryDriver() }) };
  if (spec.kind === "fs") return { storage: createStorage({ driver: atomicFsDriver({ base: spec.dir }) }) };
  if (spec.kind === "redis") return createRedisStore(spec.url);
  throw new Error(`STORAGE: ${spec.kind} is not available on Node (use memory, fs:<dir> or redis://…)`);
}

/** One keep-alive pool for all CMS nodes; trusts CMS_CA_FILE, or nothing at all if told to. */
function cmsDispatcher(config: Config): Agent {
  const connect = config.cms.caFile
    ? { ca: readFileSync(config.cms.caFile, "utf8") }
    : config.cms.tlsInsecure
      ? { rejectUnauthorized: false }
      : {};
  return new Agent({ connect, keepAliveTimeout: 30_000, connections: 16 });
}

function main() {
  let loaded;
  try {
    loaded = loadConfig(settings());
  } catch (err) {
    loaded = { ok: false as const, errors: [errorText(err)] };
  }
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`cms-notify: configuration error: ${e}\n`);
    process.exit(2);
  }
  const config = loaded.config;
  const log = createLogger({
    level: config.logLevel,
    write: (line) => process.stdout.write(`${line}\n`),
    now: Date.now,
    secrets: [config.cms.password, config.cms.accessClientSecret],
  });
  if (config.cms.tlsInsecure) log.warn("CMS_TLS_INSECURE=true: the CMS API certificate is NOT verified; anyone on the path can read the API password");

  const store = storeFor(config);
  const service = createService({ config, storage: store.storage, locks: store.locks, log, cmsFetchOptions: { dispatcher: cmsDispatcher(config) } });
  const app = createApp(service);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info("listening", { host: config.host, port: info.port, nodes: config.nodes.map((n) => n.name), storage: config.storage.kind });
    service.start();
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    server.close();
    void service
      .stop()
      .then(() => store.close?.())
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main();
