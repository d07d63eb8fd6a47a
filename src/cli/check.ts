/**
 * `cms-notify check`: is this configuration good enough to run? Validates the settings, then on
 * every node: the API answers and takes our credentials, which CMS version it runs, which Call
 * Bridges form its cluster (each must be in CMS_NODES, or its calls get no banner), and whether
 * this service is one of its CDR receivers. Every problem is named; any problem exits 1.
 */
import type { CmsClient, CmsNode } from "../cms/client.ts";
import { configWarnings, type Config } from "../config.ts";
import { cliCmsClient, explain } from "./cms.ts";
import { cliConfig } from "./config.ts";
import { EXIT, type CliIo } from "./io.ts";
import { maskUri, receiverUriFor, sameEndpoint, sameUri } from "./receiver-uri.ts";

export async function runCheck(io: CliIo, opts: { url?: string }): Promise<number> {
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const template = opts.url ?? config.cdrReceiverUrl;
  io.out(`configuration: ok (${config.nodes.length} CMS ${config.nodes.length === 1 ? "node" : "nodes"}, store ${config.storage.kind})`);
  for (const w of configWarnings(config)) io.out(`  warning: ${w}`);

  const cms = cliCmsClient(config, io);
  const problems: string[] = [];
  for (const node of config.nodes) problems.push(...(await checkNode(io, cms, config, node, template)));

  if (!template) io.out("CDR receiver: unknown which URI is ours; set CDR_RECEIVER_URL (or pass --url) to check the registration");
  if (problems.length === 0) {
    io.out("check: OK");
    return EXIT.ok;
  }
  io.err(`check: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`);
  for (const p of problems) io.err(`  - ${p}`);
  return EXIT.problem;
}

async function checkNode(io: CliIo, cms: CmsClient, config: Config, node: CmsNode, template: string | undefined): Promise<string[]> {
  io.out(`${node.name} (${node.baseUrl})`);
  let status;
  try {
    status = await cms.getSystemStatus(node);
  } catch (err) {
    const why = explain(err, node.baseUrl);
    io.out(`  API: FAILED: ${why}`);
    return [`${node.name}: ${why}`];
  }
  const problems: string[] = [];
  io.out(`  API: reachable, credentials accepted; CMS ${status.softwareVersion ?? "(version not reported)"}${status.clusterEnabled ? ", clustered" : ""}`);

  try {
    const bridges = await cms.listCallBridges(node);
    const members = bridges.map((b) => {
      const known = config.nodes.find((n) => (b.address && sameOrigin(b.address, n.baseUrl)) || n.name === b.name);
      if (!known) problems.push(`${node.name}: cluster member ${b.name} (${b.address ?? "no address"}) is not in CMS_NODES: calls hosted there get no banner`);
      return `${b.name}${b.address ? ` (${b.address})` : ""}${known ? "" : " NOT CONFIGURED"}`;
    });
    io.out(`  cluster members: ${members.length ? members.join(", ") : "none (not clustered)"}`);
  } catch (err) {
    problems.push(`${node.name}: cannot list the cluster's Call Bridges: ${explain(err, node.baseUrl)}`);
  }

  try {
    const receivers = await cms.listCdrReceivers(node);
    io.out(`  CDR receivers: ${receivers.length}${receivers.length ? `: ${receivers.map((r) => maskUri(r.uri)).join(", ")}` : ""}`);
    if (template) {
      const ours = receiverUriFor(template, node.name, config.security.cdrToken);
      if (receivers.some((r) => sameUri(r.uri, ours))) io.out(`  this service: registered as ${maskUri(ours)}`);
      else if (receivers.some((r) => sameEndpoint(r.uri, ours))) {
        problems.push(`${node.name}: registered as ${maskUri(ours)} but with another token (an old CDR_TOKEN?): CMS's batches would be refused`);
      } else problems.push(`${node.name}: this service is not a CDR receiver there; run: cms-notify register-cdr`);
    }
  } catch (err) {
    problems.push(`${node.name}: cannot list CDR receivers: ${explain(err, node.baseUrl)}`);
  }
  return problems;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
