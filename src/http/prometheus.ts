/**
 * The Prometheus text exposition format (version 0.0.4), written out by hand: a few families of
 * counters, gauges and histograms need no client library. Label values are escaped as the
 * format asks (backslash, double quote, newline); HELP text escapes backslash and newline.
 */
import type { Labels } from "../service/counters.ts";

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  buckets: readonly number[];
  /** Per-bucket counts, not cumulative; one more slot than buckets for the values above them. */
  counts: readonly number[];
  sum: number;
  count: number;
}

export type Family =
  | { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] }
  | { name: string; help: string; type: "histogram"; samples: HistogramSample[] };

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelText(labels: Labels, extra?: [string, string]): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (extra) entries.push(extra);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
}

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

export function formatFamilies(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    if (f.type !== "histogram") {
      for (const s of f.samples) lines.push(`${f.name}${labelText(s.labels)} ${formatNumber(s.value)}`);
      continue;
    }
    for (const h of f.samples) {
      let cumulative = 0;
      h.buckets.forEach((le, i) => {
        cumulative += h.counts[i] ?? 0;
        lines.push(`${f.name}_bucket${labelText(h.labels, ["le", formatNumber(le)])} ${cumulative}`);
      });
      lines.push(`${f.name}_bucket${labelText(h.labels, ["le", "+Inf"])} ${h.count}`);
      lines.push(`${f.name}_sum${labelText(h.labels)} ${formatNumber(h.sum)}`);
      lines.push(`${f.name}_count${labelText(h.labels)} ${h.count}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
