/**
 * `cms-notify register-cdr [--url <uri>]`: make every node post its CDRs to this service. CDR
 * receivers are per node, not cluster-wide (DOMAIN §4), and a node holds at most four. Adding
 * is idempotent; a full node, or a stale receiver of ours with another token, is reported and
 * left for the operator: this command never removes a receiver.
 */
import type { CmsClient, CmsNode } from "../cms/client.ts";
import { CmsError } from "../cms/errors.ts";
import { cliCmsClient, explain } from "./cms.ts";
import { cliConfig } from "./config.ts";
import { EXIT, type CliIo } from "./io.ts";
import { maskUri, receiverUriFor, sameEndpoint, sameUri } from "./receiver-uri.ts";

const MAX_RECEIVERS = 4;

export async function runRegisterCdr(io: CliIo, opts: { url?: string }): Promise<number> {
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const template = opts.url ?? config.cdrReceiverUrl;
  if (!template) {
    io.err("register-cdr: which URI should CMS post to? Pass --url https://<this service>/cdr/{node} or set CDR_RECEIVER_URL");
    return EXIT.usage;
  }
  try {
    receiverUriFor(template, "x", undefined);
  } catch {
    io.err(`register-cdr: --url is not a URL: ${maskUri(template)}`);
    return EXIT.usage;
  }
  const cms = cliCmsClient(config, io);
  const problems: string[] = [];
  for (const node of config.nodes) {
    const uri = receiverUriFor(template, node.name, config.security.cdrToken);
    const result = await registerOn(cms, node, uri).catch((err): Outcome => ({ ok: false, line: explain(err, node.baseUrl) }));
    if (result.ok) io.out(`${node.name}: ${result.line}`);
    else problems.push(`${node.name}: ${result.line}`);
  }
  if (problems.length === 0) return EXIT.ok;
  for (const p of problems) io.err(p);
  return EXIT.problem;
}

interface Outcome {
  ok: boolean;
  line: string;
}

async function registerOn(cms: CmsClient, node: CmsNode, uri: string): Promise<Outcome> {
  const receivers = await cms.listCdrReceivers(node);
  const mine = receivers.find((r) => sameUri(r.uri, uri));
  if (mine) return { ok: true, line: `already registered as ${maskUri(uri)} (receiver ${mine.id})` };
  const stale = receivers.find((r) => sameEndpoint(r.uri, uri));
  if (stale) {
    return {
      ok: false,
      line: `receiver ${stale.id} posts to ${maskUri(stale.uri)} with another token; remove it (Web Admin → Configuration → CDR settings) and run register-cdr again`,
    };
  }
  const full = (): Outcome => ({
    ok: false,
    line:
      `every CDR receiver slot is taken (${receivers.length} in use: ${receivers.map((r) => maskUri(r.uri)).join(", ")}); ` +
      "cms-notify never removes another's receiver: free a slot in Web Admin → Configuration → CDR settings, then run register-cdr again",
  });
  if (receivers.length >= MAX_RECEIVERS) return full();
  try {
    const id = await cms.addCdrReceiver(node, uri);
    return { ok: true, line: `registered as ${maskUri(uri)} (receiver ${id})` };
  } catch (err) {
    // Older releases hold fewer (R1.8: two), and another tool may have taken the last slot meanwhile.
    if (err instanceof CmsError && err.detail?.toLowerCase() === "toomanycdrreceivers") return full();
    throw err;
  }
}
