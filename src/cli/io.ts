/**
 * What the CLI needs from its runtime, handed in by src/runtime/cli.ts: output, settings, files
 * and the CMS transport options. The commands themselves stay free of `process` and `node:fs`.
 */
import type { CmsTransportOptions } from "../cms/client.ts";
import type { Config } from "../config.ts";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Environment merged with CONFIG_FILE, as the service reads them. */
  settings(): Record<string, string | undefined>;
  /** The CMS client's HTTP side (on Node: undici on an Agent trusting CMS_CA_FILE). */
  cmsTransport(config: Config): CmsTransportOptions;
  readText(path: string): Promise<string>;
  /** The file itself, or the `.xml` files of a directory, sorted by name. */
  xmlFiles(path: string): Promise<string[]>;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  stopped(): Promise<void>;
}

/** Exit codes: 0 all good, 1 a problem was found, 2 the command or configuration is wrong. */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;
