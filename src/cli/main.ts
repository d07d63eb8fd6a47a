/**
 * `cms-notify <command>`: set up the CMS for this service and look into it. The commands are
 * runtime-free (see io.ts); src/runtime/cli.ts runs them on Node.
 */
import { parseArgs, unknownOptions } from "./args.ts";
import { runCheck } from "./check.ts";
import { EXIT, type CliIo } from "./io.ts";
import { runRegisterCdr } from "./register-cdr.ts";
import { runReplay } from "./replay.ts";
import { runSim } from "./sim.ts";

const USAGE = `usage: cms-notify <command>

  check [--url <receiver URI>]       validate the configuration, reach every CMS node, report its
                                     version, cluster members and whether this service receives its CDRs
  register-cdr [--url <receiver URI>] add this service as a CDR receiver on every node (idempotent;
                                     never removes a receiver). {node} in the URI becomes each node's name
  replay <file.xml|dir> [--url <u>]  POST captured CDR batches to a running service (default
                                     http://127.0.0.1:$PORT/cdr) and report each answer
  sim [--port 9445] [--nodes cb-a,cb-b] [--user u] [--password p] [--every 20]
                                     run the CMS simulator alone, with a few meetings

Settings come from the environment and CONFIG_FILE, as for the service. The receiver URI
defaults to CDR_RECEIVER_URL; ?token= is added from CDR_TOKEN and never printed.`;

const OPTIONS: Record<string, string[]> = {
  check: ["url"],
  "register-cdr": ["url"],
  replay: ["url"],
  sim: ["port", "nodes", "user", "password", "every"],
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const known = OPTIONS[command];
  if (!known) {
    io.err(`cms-notify: no command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  const args = parseArgs(rest);
  const unknown = unknownOptions(args, known);
  if (unknown.length) {
    io.err(`cms-notify ${command}: unknown option ${unknown.map((o) => `--${o}`).join(", ")}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const o = args.options;
  switch (command) {
    case "check":
      return runCheck(io, { url: o.url });
    case "register-cdr":
      return runRegisterCdr(io, { url: o.url });
    case "replay":
      return runReplay(io, { path: args.positional[0], url: o.url });
    default:
      return runSim(io, o);
  }
}
