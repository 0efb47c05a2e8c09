/** What every scenario gets, and small helpers they share. */
import type { BenchOptions } from '../args.js';
import type { ServiceProcess } from '../processes.js';
import type { Budgets } from '../stack.js';

export interface BenchContext {
  opts: BenchOptions;
  runId: string;
  /** Where process logs go (one directory per scenario). */
  logRoot: string;
  resultsDir: string;
  log(message: string): void;
}

/** Simulator rate limits well above what the service may send (2.5x its aggregate budget): a
 * RATE_LIMITED reply then means the service overran its own budget. */
export function simLimitsFor(b: Budgets, workers: number) {
  const cap = (rate: number) => Math.max(1, Math.ceil(rate * workers * 2.5));
  return { dnsPerSecond: cap(b.dnsRate), whoisPerSecond: cap(b.whoisRate), rdapPerSecond: cap(b.whoisRate) };
}

/** CPU seconds of processes between two points. */
export function cpuMeter(procs: ServiceProcess[]) {
  const start = new Map(procs.map((p) => [p.name, p.cpuSeconds() ?? 0]));
  const bench0 = process.cpuUsage();
  return () => {
    const out: Record<string, number> = {};
    for (const p of procs) out[p.name] = round3((p.cpuSeconds() ?? 0) - (start.get(p.name) ?? 0));
    const b = process.cpuUsage(bench0);
    out['bench+simulator'] = round3((b.user + b.system) / 1e6);
    return out;
  };
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const round1 = (x: number) => Math.round(x * 10) / 10;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function latencyStats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: round1(percentile(s, 50)),
    p90: round1(percentile(s, 90)),
    p99: round1(percentile(s, 99)),
    max: round1(s[s.length - 1] ?? NaN),
    mean: round1(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
