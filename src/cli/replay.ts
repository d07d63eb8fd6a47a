/**
 * `cms-notify replay <file.xml|dir> [--url <receiver>]`: send captured CDR batches to a running
 * service, one POST per file in name order, as CMS would, and report each answer. For debugging
 * a batch that was refused, or for re-creating a situation on a test instance. The token, when
 * CDR_TOKEN is set, is added to the URL and never printed.
 */
import { errorText } from "../service/log.ts";
import { EXIT, type CliIo } from "./io.ts";
import { maskUri } from "./receiver-uri.ts";

export async function runReplay(io: CliIo, opts: { path?: string; url?: string }): Promise<number> {
  if (!opts.path) {
    io.err("replay: which file or directory? cms-notify replay <file.xml|dir> [--url http://host:port/cdr/<node>]");
    return EXIT.usage;
  }
  const settings = io.settings();
  let url: URL;
  try {
    url = new URL(opts.url ?? `http://127.0.0.1:${settings.PORT || "5000"}/cdr`);
  } catch {
    io.err(`replay: --url is not a URL: ${maskUri(opts.url ?? "")}`);
    return EXIT.usage;
  }
  const token = settings.CDR_TOKEN?.trim();
  if (token && !url.searchParams.has("token")) url.searchParams.set("token", token);

  let files: string[];
  try {
    files = await io.xmlFiles(opts.path);
  } catch (err) {
    io.err(`replay: cannot read ${opts.path}: ${errorText(err)}`);
    return EXIT.usage;
  }
  if (files.length === 0) {
    io.err(`replay: no .xml files in ${opts.path}`);
    return EXIT.usage;
  }
  io.out(`replaying ${files.length} ${files.length === 1 ? "batch" : "batches"} to ${maskUri(url.toString())}`);
  let failed = 0;
  for (const file of files) {
    const line = await post(url, await io.readText(file));
    if (!line.ok) failed++;
    io.out(`${file}: ${line.text}`);
  }
  io.out(`${files.length - failed} accepted, ${failed} refused or failed`);
  return failed ? EXIT.problem : EXIT.ok;
}

async function post(url: URL, body: string): Promise<{ ok: boolean; text: string }> {
  try {
    const res = await fetch(url, { method: "POST", body, headers: { "Content-Type": "text/xml" } });
    const reason = (await res.text()).trim();
    return { ok: res.status === 200, text: `${res.status}${reason ? ` ${reason}` : ""}` };
  } catch (err) {
    return { ok: false, text: `not sent: ${errorText((err as Error).cause ?? err)}` };
  }
}
