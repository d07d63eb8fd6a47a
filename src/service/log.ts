/**
 * JSON-lines logging. The sink is injected (stdout on Node and Deno, console on Workers). Any
 * secret value handed in at creation is masked in every line, whatever field it hides in — a
 * belt to go with the braces of never logging configuration or headers in the first place.
 */
import type { LogLevel } from "../config.ts";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(opts: {
  level: LogLevel;
  write: (line: string) => void;
  now: () => number;
  secrets?: (string | undefined)[];
}): Logger {
  const secrets = (opts.secrets ?? []).filter((s): s is string => Boolean(s && s.length >= 3));
  const mask = (line: string) => secrets.reduce((l, s) => l.split(s).join("***"), line);
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < RANK[opts.level]) return;
    const line = JSON.stringify({ time: new Date(opts.now()).toISOString(), level, msg, ...fields });
    opts.write(secrets.length ? mask(line) : line);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
