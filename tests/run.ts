/**
 * `npm test`: runs every suite and ends with one line `N passed, N failed` totalling all of them.
 * Node suites run under node:test (through tsx); the scenario files run once more against the
 * Deno entry and once more against the Worker under workerd (`TEST_RUNTIME`); tests/deno/ runs
 * under `deno test`. `TEST_RUNTIMES=node,deno` limits the runtimes (default: all three).
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";

interface Tally {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  code: number | null;
}

function findTests(dir: string, skip: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skip.includes(name) ? [] : findTests(path, skip);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Reads a runner's closing summary: node:test's `ℹ pass N` lines, or deno's `ok | N passed | N failed`. */
type Summary = (out: string) => Pick<Tally, "passed" | "failed" | "skipped">;

const nodeSummary: Summary = (out) => {
  const count = (word: string) => Number(out.match(new RegExp(`^[#ℹ] ${word} (\\d+)`, "m"))?.[1] ?? 0);
  return { passed: count("pass"), failed: count("fail") + count("cancelled"), skipped: count("skipped") };
};

const denoSummary: Summary = (out) => {
  const line = out.match(/^(?:ok|FAILED) \|.*$/m)?.[0] ?? "";
  const count = (word: string) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed"), skipped: count("ignored") };
};

function runSuite(suite: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, summary: Summary = nodeSummary): Promise<Tally> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString("utf8");
    });
    child.on("exit", (code) => resolve({ suite, ...summary(out), code }));
  });
}

const runtimes = (process.env.TEST_RUNTIMES ?? "node,deno,workerd").split(",").map((r) => r.trim());
const only = process.argv.slice(2);
const isDeno = (f: string) => f.split(sep).includes("deno");
// A directory named on the command line stands for every test file under it.
const expand = (arg: string) => (statSync(arg).isDirectory() && !isDeno(arg) ? findTests(arg, ["fixtures", "helpers"]) : [arg]);
const all = only.length ? only.flatMap(expand).sort() : findTests("tests", ["bench", "fixtures", "helpers", "deno", "workerd"]).sort();
const files = all.filter((f) => !isDeno(f));
const scenarios = files.filter((f) => f.split(sep).includes("scenarios"));
const denoFiles = only.length ? only.filter(isDeno) : ["tests/deno/"];
const nodeTest = (list: string[]) => ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...list];
const tallies: Tally[] = [];

if (runtimes.includes("node") && files.length) {
  tallies.push(await runSuite("node", process.execPath, nodeTest(files), { ...process.env, TEST_RUNTIME: "node" }));
}
for (const runtime of ["deno", "workerd"]) {
  if (!runtimes.includes(runtime) || !scenarios.length) continue;
  tallies.push(await runSuite(`scenarios on ${runtime}`, process.execPath, nodeTest(scenarios), { ...process.env, TEST_RUNTIME: runtime }));
}
if (runtimes.includes("deno") && denoFiles.length) {
  const deno = join("node_modules", ".bin", "deno");
  const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  tallies.push(await runSuite("deno", deno, ["test", "--allow-net", "--allow-env", "--allow-read", "--allow-write", ...denoFiles], env, denoSummary));
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const t of tallies) {
  // A runner that died without a summary must not pass silently.
  const broken = t.code !== 0 && t.failed === 0 ? 1 : 0;
  passed += t.passed;
  failed += t.failed + broken;
  skipped += t.skipped;
  console.log(`${t.suite}: ${t.passed} passed, ${t.failed + broken} failed, ${t.skipped} skipped (exit ${t.code})`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
