/**
 * Reads a .cpuprofile (from BENCH_CPU_PROF=1 or `node --cpu-prof`) and prints where the time went:
 * self time by place (our source folder or npm package) and the heaviest functions.
 * Usage: node --import tsx tests/bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `src/service`, `node_modules/ofetch`, `node:internal/…` → a short place name. */
function placeOf(url: string): string {
  if (!url) return "(native/gc/idle)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src\/[^/]+|tests\/[^/]+)\//.exec(url);
  if (src) return src[1]!;
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  return url;
}

export function summarise(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    byPlace.set(placeOf(f.url), (byPlace.get(placeOf(f.url)) ?? 0) + us);
    const name = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(node_modules|src|tests)\//, "$1/")}:${f.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const lines = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return [`total ${(total / 1000).toFixed(0)} ms`, "-- self time by place", ...lines(byPlace), "-- self time by function", ...lines(byFunction)].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
  console.log(summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(top ?? 25)));
}
