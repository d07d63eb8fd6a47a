/** `--name value`, `--name=value` and positional words; unknown options are the caller's to refuse. */
export interface ParsedArgs {
  positional: string[];
  options: Record<string, string>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    if (eq !== -1) options[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) options[arg.slice(2)] = argv[++i]!;
    else options[arg.slice(2)] = "true";
  }
  return { positional, options };
}

/** The options not in `known`, to refuse a typo rather than ignore it. */
export function unknownOptions(args: ParsedArgs, known: readonly string[]): string[] {
  return Object.keys(args.options).filter((o) => !known.includes(o));
}
