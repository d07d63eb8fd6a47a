/**
 * The bench's one table: every figure beside its budget from issue 6, PASS or MISS, printed and
 * written as JSON with the machine it ran on. A figure the issue sets no budget for says "—".
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";

export interface Row {
  section: string;
  measure: string;
  store: string;
  value: number | undefined;
  unit: string;
  /** The budget as written in the issue, e.g. "≥ 5,000"; absent when there is none. */
  budget?: string;
  pass?: boolean;
  note?: string;
}

export function atLeast(value: number, min: number): Pick<Row, "budget" | "pass"> {
  return { budget: `≥ ${min.toLocaleString("en-US")}`, pass: value >= min };
}

export function atMost(value: number, max: number): Pick<Row, "budget" | "pass"> {
  return { budget: `≤ ${max.toLocaleString("en-US")}`, pass: value <= max };
}

export function machine() {
  const free = (() => {
    try {
      return execFileSync("free", ["-h"], { encoding: "utf8" }).split("\n")[1]?.replace(/\s+/g, " ").trim();
    } catch {
      return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
    }
  })();
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory: free,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function shown(row: Row): string {
  if (row.value === undefined || Number.isNaN(row.value)) return "n/a";
  const v = row.value;
  const digits = Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${row.unit}`.trim();
}

export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.section, r.measure, r.store, shown(r), r.budget ?? "—", r.pass === undefined ? "" : r.pass ? "PASS" : "MISS", r.note ?? ""]);
  const head = ["section", "measure", "store", "value", "budget", "", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 3 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

export function writeJson(path: string, content: unknown) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
}
