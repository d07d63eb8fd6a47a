/**
 * `npm test`: runs every suite and ends with one line `N passed, N failed` totalling all of them.
 * Node suites run under node:test (through tsx). Each later runtime adds its suite here.
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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

function runSuite(suite: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Tally> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString("utf8");
    });
    child.on("exit", (code) => {
      const count = (word: string) => Number(out.match(new RegExp(`^[#ℹ] ${word} (\\d+)`, "m"))?.[1] ?? 0);
      resolve({ suite, passed: count("pass"), failed: count("fail") + count("cancelled"), skipped: count("skipped"), code });
    });
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : findTests("tests", ["bench", "fixtures", "helpers"]).sort();
const tallies: Tally[] = [];
tallies.push(
  await runSuite("node", process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files]),
);

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
