/**
 * Node entry of the CLI (`npx cms-notify …`, `npm run cli -- …`): builds the CLI's I/O from
 * process, node:fs and undici, runs the command and exits with its code.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../cli/main.ts";
import { cmsTransport, readSettings } from "./node-settings.ts";

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
  settings: () => readSettings(),
  cmsTransport,
  readText: (path: string) => readFile(path, "utf8"),
  async xmlFiles(path: string) {
    if (!(await stat(path)).isDirectory()) return [path];
    return (await readdir(path)).filter((n) => n.toLowerCase().endsWith(".xml")).sort().map((n) => join(path, n));
  },
  stopped: () => new Promise<void>((resolve) => ["SIGINT", "SIGTERM"].forEach((s) => process.once(s, () => resolve()))),
};

let code: number;
try {
  code = await runCli(process.argv.slice(2), io);
} catch (err) {
  process.stderr.write(`cms-notify: ${(err as Error)?.message ?? err}\n`);
  code = 1;
}
// Keep-alive sockets to the CMS would hold the process open for their idle timeout.
process.exit(code);
