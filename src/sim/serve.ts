/** Serves one simulated node's API over HTTP or HTTPS on loopback, as real tests and the demo need. */
import { serve, type HttpBindings } from "@hono/node-server";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { ConnectionReset } from "./faults.ts";
import type { SimNode } from "./types.ts";

export interface ServeOptions {
  tls?: { keyPem: string; certPem: string };
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
}

export interface ServedNode {
  url: string;
  close(): Promise<void>;
}

export async function serveSimNode(node: SimNode, opts: ServeOptions = {}): Promise<ServedNode> {
  const hostname = opts.hostname ?? "127.0.0.1";
  const tls = opts.tls ? { createServer: createHttpsServer, serverOptions: { key: opts.tls.keyPem, cert: opts.tls.certPem } } : {};
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      {
        ...tls,
        hostname,
        port: opts.port ?? 0,
        fetch: async (req, env) => {
          try {
            return await node.fetch(req);
          } catch (err) {
            if (!(err instanceof ConnectionReset)) throw err;
            (env as HttpBindings).incoming.socket.destroy();
            // Never sent: the socket is gone. The adapter only needs something to return.
            return new Response(null, { status: 500 });
          }
        },
      },
      () => resolve(started as Server),
    );
    started.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  node.address = `${opts.tls ? "https" : "http"}://${host}:${port}`;
  return {
    url: node.address,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive connections would hold close() open until the client gives up on them.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
