/**
 * Rate limits end to end: real Redis, BullMQ workers, simulators. Each worker talks to its own
 * simulator (same cases), so a simulator's query log is exactly what one worker sent; merged,
 * the two logs are what the cluster sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Lead } from '../src/scan/scan.types.js';
import { generateCases } from '../src/sim/sim.cases.js';
import type { SimProto, SimQueryLogEntry, SimRateLimitOptions } from '../src/sim/sim.types.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { averageRate, maxInWindow } from './helpers/rate-window.js';
import { cleanupPrefix, get, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const corpus = loadCorpus();
const LATENCY = { dns: [1, 5], whois: [1, 5], rdap: [1, 5] } as const satisfies Record<SimProto, [number, number]>;

// ---- resources, closed in afterAll whatever happened ------------------------------------------
const stacks: { stack: Stack; prefix: string }[] = [];
const sims: Simulator[] = [];

afterAll(async () => {
  const cleaned = new Set<string>();
  for (const { stack, prefix } of stacks) {
    if (!cleaned.has(prefix)) {
      cleaned.add(prefix);
      await cleanupPrefix(stack.runtime, prefix).catch(() => {});
    }
  }
  for (const { stack } of stacks) await stack.close();
  await Promise.all(sims.map((sim) => sim.close()));
}, 30_000);

async function sim(cases: ReturnType<typeof generateCases>, rateLimit?: SimRateLimitOptions): Promise<Simulator> {
  const s = await startSimulator({ cases, latency: { ...LATENCY }, rateLimit });
  sims.push(s);
  return s;
}

async function stack(simulator: Simulator, prefix: string, env: Record<string, string>): Promise<Stack> {
  const s = await startStack(simulator, prefix, { env });
  stacks.push({ stack: s, prefix });
  return s;
}

interface JobOutcome {
  status: { processed: number; succeeded: number; failed: number; errors: { domain: string; code: string }[] };
  results: Lead[];
  ms: number;
}

/** Submit a bulk job through `api` and wait until it completed. */
async function runBulk(api: Stack, domains: string[], timeoutMs: number): Promise<JobOutcome> {
  const started = Date.now();
  const response = await post(api.app, '/scan/bulk', { domain_list: domains });
  expect(response.status).toBe(200);
  const { job_id: id } = (await response.json()) as { job_id: string };
  const status = await waitFor(async () => {
    const r = (await (await get(api.app, `/scan/bulk/${id}`)).json()) as JobOutcome['status'] & { status: string };
    return r.status === 'completed' ? r : undefined;
  }, timeoutMs, 50);
  const ms = Date.now() - started;
  const { results } = (await (await get(api.app, `/scan/bulk/${id}/results`)).json()) as { results: Lead[] };
  return { status, results, ms };
}

const times = (log: SimQueryLogEntry[], proto: SimProto) => log.filter((e) => e.proto === proto).map((e) => e.t);

/** Busiest 1-second window per protocol of a log. */
const peaks = (log: SimQueryLogEntry[]) => ({
  dns: maxInWindow(times(log, 'dns')),
  whois: maxInWindow(times(log, 'whois')),
  rdap: maxInWindow(times(log, 'rdap')),
});

// default bucket size: one second of budget (local-gate / cluster-gate burstOf)
const burstOf = (rate: number) => Math.max(1, Math.floor(rate));

describe('budgets under load (60 domains, two workers)', () => {
  const DNS_RATE = 20;
  const WHOIS_RATE = 4;
  const cases = generateCases(corpus, 60);
  const domains = cases.map((c) => c.domain);
  const env = (scope: 'worker' | 'cluster') => ({
    SCOUT_DNS_RATE: String(DNS_RATE),
    SCOUT_WHOIS_RATE: String(WHOIS_RATE),
    SCOUT_RATE_SCOPE: scope,
    SCOUT_CONCURRENCY: '10',
  });

  async function twoWorkers(scope: 'worker' | 'cluster') {
    const prefix = uniquePrefix(`rate-${scope}`);
    const [simA, simB] = await Promise.all([sim(cases), sim(cases)]);
    const a = await stack(simA, prefix, env(scope));
    await stack(simB, prefix, env(scope)); // same prefix: the same queue, a second worker
    const outcome = await runBulk(a, domains, 60_000);
    return { outcome, logA: simA.log(), logB: simB.log() };
  }

  const checkJob = ({ status, results }: JobOutcome) => {
    expect(status.processed).toBe(domains.length);
    expect(status.failed).toBe(0);
    expect(results.length).toBe(domains.length);
  };

  it('per worker: no worker exceeds its DNS or WHOIS budget in any 1-second window, and each uses most of it', async () => {
    const { outcome, logA, logB } = await twoWorkers('worker');
    checkJob(outcome);
    const dnsAll = [...times(logA, 'dns'), ...times(logB, 'dns')];
    const rdapAll = [...times(logA, 'rdap'), ...times(logB, 'rdap')];
    const report = {
      ms: outcome.ms,
      A: { dns: times(logA, 'dns').length, rdap: times(logA, 'rdap').length, whois: times(logA, 'whois').length, peaks: peaks(logA) },
      B: { dns: times(logB, 'dns').length, rdap: times(logB, 'rdap').length, whois: times(logB, 'whois').length, peaks: peaks(logB) },
      budget: { dns: DNS_RATE + burstOf(DNS_RATE), whois: WHOIS_RATE + burstOf(WHOIS_RATE) },
      rate: { dns: averageRate(dnsAll), rdap: averageRate(rdapAll) },
      merged: { dns: maxInWindow(dnsAll), rdap: maxInWindow(rdapAll) },
    };
    console.info('per-worker scope', JSON.stringify(report));
    for (const log of [logA, logB]) {
      expect(times(log, 'dns').length).toBeGreaterThan(0); // both workers did work
      const peak = peaks(log);
      expect(peak.dns).toBeLessThanOrEqual(DNS_RATE + burstOf(DNS_RATE));
      // the WHOIS budget is per server: the simulator's WHOIS and RDAP servers are two servers
      expect(peak.rdap).toBeLessThanOrEqual(WHOIS_RATE + burstOf(WHOIS_RATE));
      expect(peak.whois).toBeLessThanOrEqual(WHOIS_RATE + burstOf(WHOIS_RATE));
    }
    // the limiter does not under-use the budget: two workers, each close to its own rate
    expect(report.rate.dns).toBeGreaterThanOrEqual(0.6 * 2 * DNS_RATE);
    // and it is the per-worker budget, not a shared one: together they exceed one budget
    expect(report.merged.dns).toBeGreaterThan(DNS_RATE + burstOf(DNS_RATE));
  }, 60_000);

  it('SCOUT_RATE_SCOPE=cluster: both workers together stay within one budget in any 1-second window', async () => {
    const { outcome, logA, logB } = await twoWorkers('cluster');
    checkJob(outcome);
    const merged = [...logA, ...logB].sort((x, y) => x.t - y.t);
    const dnsAll = times(merged, 'dns');
    const report = {
      ms: outcome.ms,
      A: { dns: times(logA, 'dns').length, rdap: times(logA, 'rdap').length },
      B: { dns: times(logB, 'dns').length, rdap: times(logB, 'rdap').length },
      merged: peaks(merged),
      budget: { dns: DNS_RATE + burstOf(DNS_RATE), whois: WHOIS_RATE + burstOf(WHOIS_RATE) },
      rate: { dns: averageRate(dnsAll), rdap: averageRate(times(merged, 'rdap')) },
    };
    console.info('cluster scope', JSON.stringify(report));
    expect(times(logA, 'dns').length).toBeGreaterThan(0);
    expect(times(logB, 'dns').length).toBeGreaterThan(0);
    expect(report.merged.dns).toBeLessThanOrEqual(DNS_RATE + burstOf(DNS_RATE));
    expect(report.merged.rdap).toBeLessThanOrEqual(WHOIS_RATE + burstOf(WHOIS_RATE));
    expect(report.merged.whois).toBeLessThanOrEqual(WHOIS_RATE + burstOf(WHOIS_RATE));
    expect(report.rate.dns).toBeGreaterThanOrEqual(0.6 * DNS_RATE);
  }, 60_000);
});

describe('throttling upstreams: backoff, then eventual success', () => {
  const retriesEnv = { SCOUT_RETRIES: '6', SCOUT_BACKOFF_MS: '100', SCOUT_CONCURRENCY: '10' };

  it('WHOIS throttle replies and RDAP 429 + Retry-After: backoff on that server, every domain completes', async () => {
    const cases = generateCases(corpus, 30);
    const domains = cases.map((c) => c.domain);
    const limit = 3;
    const simulator = await sim(cases, { whoisPerSecond: limit, rdapPerSecond: limit });
    const api = await stack(simulator, uniquePrefix('rate-whois-throttle'), { ...retriesEnv, SCOUT_WHOIS_RATE: '20', SCOUT_DNS_RATE: '500' });
    const outcome = await runBulk(api, domains, 90_000);
    const log = simulator.log();
    const stats = simulator.stats();
    const rdap = log.filter((e) => e.proto === 'rdap');
    const whois = log.filter((e) => e.proto === 'whois');
    const limited = (entries: SimQueryLogEntry[]) => entries.filter((e) => e.outcome === 'RATE_LIMITED');
    // after each 429 (Retry-After: 1 s): the next RDAP query that arrives later than the stragglers already in flight
    const quiet = limited(rdap).map((e) => {
      const next = rdap.find((n) => n.t > e.t + 30);
      return next ? next.t - e.t : Infinity;
    });
    const report = {
      ms: outcome.ms,
      failed: outcome.status.failed,
      statuses: countBy(outcome.results.map((l) => l.scan_status)),
      rdap: stats.rdap,
      whois: stats.whois,
      minQuietAfter429: Math.min(...quiet),
      peaks: peaks(log),
    };
    console.info('whois/rdap throttling', JSON.stringify(report));

    expect(outcome.status.failed).toBe(0);
    expect(outcome.results.length).toBe(domains.length);
    for (const lead of outcome.results) expect(lead.scan_status, lead.domain).toBe('completed');
    // throttling did happen, on both servers
    expect(limited(rdap).length).toBeGreaterThan(0);
    expect(limited(whois).length).toBeGreaterThan(0);
    // Retry-After respected: no RDAP query within a second of a 429, bar those already in flight
    expect(report.minQuietAfter429).toBeGreaterThanOrEqual(950);
    // the service's own budget (20/s + burst 20) would allow ~40 queries in a window; backoff keeps it far lower
    expect(report.peaks.rdap).toBeLessThanOrEqual(limit + 10);
    // without backoff every query beyond the limit would be refused (the server counts refused
    // queries too); with it, most queries get through
    expect(limited(rdap).length + limited(whois).length).toBeLessThan(rdap.length + whois.length - (limited(rdap).length + limited(whois).length));
  }, 120_000);

  it('DNS REFUSED bursts: backoff on DNS, every domain completes', async () => {
    const cases = generateCases(corpus, 30);
    const domains = cases.map((c) => c.domain);
    const limit = Number(process.env.XP_LIMIT ?? 30);
    const simulator = await sim(cases, { dnsPerSecond: limit });
    const api = await stack(simulator, uniquePrefix('rate-dns-refused'), { ...retriesEnv, SCOUT_CONCURRENCY: process.env.XP_CONC ?? '10', SCOUT_DNS_RATE: process.env.XP_RATE ?? '200', SCOUT_WHOIS_RATE: '200' });
    const outcome = await runBulk(api, domains, 90_000);
    const log = simulator.log();
    const dns = log.filter((e) => e.proto === 'dns');
    const refused = dns.filter((e) => e.outcome === 'RATE_LIMITED');
    const report = {
      ms: outcome.ms,
      failed: outcome.status.failed,
      statuses: countBy(outcome.results.map((l) => l.scan_status)),
      dns: simulator.stats().dns.byOutcome,
      peaks: peaks(log),
      rate: averageRate(dns.map((e) => e.t)),
    };
    console.info('dns refused', JSON.stringify(report));
    if (process.env.XP_DUMP) (await import('node:fs')).writeFileSync(process.env.XP_DUMP, JSON.stringify(log));

    expect(outcome.status.failed).toBe(0);
    for (const lead of outcome.results) expect(lead.scan_status, lead.domain).toBe('completed');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(dns.length - refused.length);
  }, 120_000);
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
