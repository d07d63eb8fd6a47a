/**
 * Node entry: read settings (environment, optional CONFIG_FILE), build the store and the CMS
 * transport, serve the app with @hono/node-server, reconcile, and shut down gracefully.
 */
import { serve, type HttpBindings } from "@hono/node-server";
import { createStorage, type Storage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { configWarnings, loadConfig, secretsOf, type Config } from "../config.ts";
import { createApp } from "../http/app.ts";
import { createLogger, errorText } from "../service/log.ts";
import { createService } from "../service/service.ts";
import { openFsStore } from "./fs-journal-driver.ts";
import { cmsTransport, readSettings } from "./node-settings.ts";
import { createRedisStore } from "./redis.ts";
import type { KeyedMutex } from "../service/keyed-mutex.ts";

function storeFor(config: Config): { storage: Storage; locks?: KeyedMutex; ready?: (ms: number) => Promise<void>; close?: () => Promise<void> } {
  const spec = config.storage;
  if (spec.kind === "memory") return { storage: createStorage({ driver: memoryDriver() }) };
  if (spec.kind === "fs") return openFsStore(spec.dir);
  if (spec.kind === "redis") return createRedisStore(spec.url);
  throw new Error(`STORAGE: ${spec.kind} is not available on Node (use memory, fs:<dir> or redis://…)`);
}

async function main() {
  let loaded;
  try {
    loaded = loadConfig(readSettings());
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
    secrets: secretsOf(config),
  });
  for (const warning of configWarnings(config)) log.warn(warning);

  let store;
  try {
    store = storeFor(config);
    // Commands fail fast while Redis is not connected; give it a moment before taking CDRs. The
    // fs store rejects here when its directory is locked by another process or its journal is corrupt.
    await store.ready?.(5000);
  } catch (err) {
    process.stderr.write(`cms-notify: the store could not be opened: ${errorText(err)}\n`);
    process.exit(1);
  }
  const service = createService({ config, storage: store.storage, locks: store.locks, log, cmsTransport: cmsTransport(config) });
  // The socket's peer: X-Forwarded-For only counts through TRUSTED_PROXIES (see http/client-address.ts).
  const app = createApp(service, { clientAddress: (c) => (c.env as HttpBindings).incoming.socket.remoteAddress });
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

void main();
