/** Loading the configuration for a CLI command: the same schema as the service, errors printed. */
import { loadConfig, type Config } from "../config.ts";
import { errorText } from "../service/log.ts";
import type { CliIo } from "./io.ts";

export function cliConfig(io: CliIo): Config | undefined {
  let loaded;
  try {
    loaded = loadConfig(io.settings());
  } catch (err) {
    loaded = { ok: false as const, errors: [errorText(err)] };
  }
  if (loaded.ok) return loaded.config;
  io.err("configuration: INVALID");
  for (const e of loaded.errors) io.err(`  ${e}`);
  return undefined;
}
