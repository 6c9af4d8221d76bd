/** Shared by the benchmarks: percentiles and the results table they print. */
import { appendFileSync } from 'node:fs';

/** Set by `./amato bench` (bench/report.ts): where each printed table is also written as JSON
 * (not an AMATO_ variable: the config refuses names it does not know). */
export const REPORT_ENV = 'BENCH_REPORT_JSONL';

/** The p-th percentile (0–100) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Prints a titled two-column table of results (and records it for the report, when asked). */
export function printTable(title: string, rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const report = process.env[REPORT_ENV];
  if (report) appendFileSync(report, `${JSON.stringify({ title, rows })}\n`);
}

/** A count with thousands separators. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en');
}

/**
 * Milliseconds a fixed CPU-bound loop takes: how fast this machine runs right now. On a shared
 * VM the same loop has taken from 0.4 to 0.9 s within minutes, so benchmarks print this
 * beside their results, to tell a slow machine from a slow program.
 */
export function cpuCheckMs(): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 100_000_000; i++) x = (x + i) % 1_000_003;
  const ms = performance.now() - start;
  // Uses the result, so the loop cannot be optimised away.
  return x < 0 ? -1 : ms;
}
