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

// DNS: the UDP queries, one per gate token. A truncated UDP answer is asked again over TCP by
// the resolver library (c-ares) inside the same token; those repeats are reported apart.
const times = (log: SimQueryLogEntry[], proto: SimProto) =>
  log.filter((e) => e.proto === proto && !(proto === 'dns' && e.transport === 'tcp')).map((e) => e.t);
const tcpRepeats = (log: SimQueryLogEntry[]) => log.filter((e) => e.proto === 'dns' && e.transport === 'tcp').length;

/** Busiest 1-second window per protocol of a log. */
const peaks = (log: SimQueryLogEntry[]) => ({
  dns: maxInWindow(times(log, 'dns')),
  whois: maxInWindow(times(log, 'whois')),
  rdap: maxInWindow(times(log, 'rdap')),
});

// SCOUT_DNS_BURST / SCOUT_WHOIS_BURST default: no 1-second window holds more than the rate
const BURST = 0;

describe('budgets under load (two workers, each with its own simulator)', () => {
  const DNS_RATE = 30;
  const WHOIS_RATE = 5;
  const env = (scope: 'worker' | 'cluster') => ({
    SCOUT_DNS_RATE: String(DNS_RATE),
    SCOUT_WHOIS_RATE: String(WHOIS_RATE),
    SCOUT_RATE_SCOPE: scope,
    SCOUT_CONCURRENCY: '10',
    // small units, so that both workers get a share of a 40-60-domain job
    SCOUT_CHUNK_SIZE: '5',
  });

  /**
   * Two workers on one queue (same prefix), worker A on simulator A, worker B on simulator B.
   * `shareRegistry`: both send WHOIS/RDAP to simulator A's servers, so that they are the same
   * servers (WHOIS budgets are per server) while DNS stays attributable per worker.
   */
  async function twoWorkers(scope: 'worker' | 'cluster', n: number, shareRegistry: boolean) {
    const cases = generateCases(corpus, n);
    const domains = cases.map((c) => c.domain);
    const prefix = uniquePrefix(`rate-${scope}`);
    const [simA, simB] = await Promise.all([sim(cases), sim(cases)]);
    const a = await stack(simA, prefix, env(scope));
    const registry: Record<string, string> = shareRegistry ? { SCOUT_WHOIS_SERVER: simA.whoisAddress, SCOUT_RDAP_URL: simA.rdapUrl, SCOUT_RDAP_BOOTSTRAP_URL: simA.bootstrapUrl } : {};
    await stack(simB, prefix, { ...env(scope), ...registry }); // same prefix: the same queue, a second worker
    const outcome = await runBulk(a, domains, 60_000);
    expect(outcome.status.processed).toBe(n);
    expect(outcome.status.failed).toBe(0);
    expect(outcome.results.length).toBe(n);
    return { outcome, logA: simA.log(), logB: simB.log() };
  }

  it('per worker: no worker exceeds its DNS or WHOIS budget in any 1-second window, and each uses most of it', async () => {
    const { outcome, logA, logB } = await twoWorkers('worker', 60, false);
    const dnsAll = [...times(logA, 'dns'), ...times(logB, 'dns')];
    const count = (log: SimQueryLogEntry[]) => ({ dns: times(log, 'dns').length, dnsTcpRepeats: tcpRepeats(log), rdap: times(log, 'rdap').length, whois: times(log, 'whois').length });
    const report = {
      ms: outcome.ms,
      A: { ...count(logA), peaks: peaks(logA) },
      B: { ...count(logB), peaks: peaks(logB) },
      budgetPerWindow: { dns: DNS_RATE + BURST, whoisPerServer: WHOIS_RATE + BURST },
      dnsRate: { A: averageRate(times(logA, 'dns')), B: averageRate(times(logB, 'dns')), both: averageRate(dnsAll) },
      mergedDnsPeak: maxInWindow(dnsAll),
    };
    console.info('per-worker scope', JSON.stringify(report));
    for (const log of [logA, logB]) {
      // both workers did work
      expect(times(log, 'dns').length).toBeGreaterThan(50);
      expect(times(log, 'rdap').length).toBeGreaterThan(5);
      const peak = peaks(log);
      expect(peak.dns).toBeLessThanOrEqual(DNS_RATE + BURST);
      // the WHOIS budget is per server: the simulator's WHOIS and RDAP servers are two servers
      expect(peak.rdap).toBeLessThanOrEqual(WHOIS_RATE + BURST);
      expect(peak.whois).toBeLessThanOrEqual(WHOIS_RATE + BURST);
    }
    // the limiter does not under-use the budget: together close to two workers' budgets
    expect(report.dnsRate.both).toBeGreaterThanOrEqual(0.6 * 2 * DNS_RATE);
    // and the budget is per worker, not shared: together they exceed one budget
    expect(report.mergedDnsPeak).toBeGreaterThan(DNS_RATE + BURST);
  }, 60_000);

  it('SCOUT_RATE_SCOPE=cluster: both workers together stay within one budget in any 1-second window', async () => {
    const { outcome, logA, logB } = await twoWorkers('cluster', 40, true);
    const merged = [...logA, ...logB].sort((x, y) => x.t - y.t);
    const dnsAll = times(merged, 'dns');
    const report = {
      ms: outcome.ms,
      dns: { A: times(logA, 'dns').length, B: times(logB, 'dns').length },
      registry: { rdap: times(merged, 'rdap').length, whois: times(merged, 'whois').length },
      mergedPeaks: peaks(merged),
      budgetPerWindow: { dns: DNS_RATE + BURST, whoisPerServer: WHOIS_RATE + BURST },
      rate: { dns: averageRate(dnsAll), rdap: averageRate(times(merged, 'rdap')) },
    };
    console.info('cluster scope', JSON.stringify(report));
    // both workers did work
    expect(report.dns.A).toBeGreaterThan(30);
    expect(report.dns.B).toBeGreaterThan(30);
    expect(report.mergedPeaks.dns).toBeLessThanOrEqual(DNS_RATE + BURST);
    expect(report.mergedPeaks.rdap).toBeLessThanOrEqual(WHOIS_RATE + BURST);
    expect(report.mergedPeaks.whois).toBeLessThanOrEqual(WHOIS_RATE + BURST);
    // the shared budget is used, not starved
    expect(report.rate.dns).toBeGreaterThanOrEqual(0.6 * DNS_RATE);
  }, 60_000);
});

describe('throttling upstreams: backoff on that upstream, then eventual success', () => {
  const retriesEnv = { SCOUT_RETRIES: '6', SCOUT_BACKOFF_MS: '100', SCOUT_CONCURRENCY: '10' };
  const limited = (entries: SimQueryLogEntry[]) => entries.filter((e) => e.outcome === 'RATE_LIMITED');

  // RDAP first: a 429 is retried on RDAP (WHOIS only on a last attempt), so the WHOIS server's
  // throttle replies are exercised in a run of their own with RDAP off
  it.each([
    { via: 'rdap' as const, what: 'RDAP 429 + Retry-After' },
    { via: 'whois' as const, what: 'WHOIS throttle replies (RDAP off)' },
  ])('$what: the server is backed off, every domain completes', async ({ via }) => {
    const cases = generateCases(corpus, 30);
    const limit = 3; // per second, per server; the service's own WHOIS budget is 20/s per server
    const WHOIS_RATE = 20;
    const WHOIS_BACKOFF_MS = 250;
    const simulator = await sim(cases, { whoisPerSecond: limit, rdapPerSecond: limit });
    const api = await stack(simulator, uniquePrefix(`rate-${via}-throttle`), {
      ...retriesEnv,
      SCOUT_WHOIS_RATE: String(WHOIS_RATE),
      SCOUT_DNS_RATE: '500',
      // WHOIS has no Retry-After: our backoff alone spaces the retries, so its base is larger
      // here and there are more of them (7 attempts at 100 ms span ~6 s, less than 30 domains
      // need at 3/s: one unlucky domain could use them all up on a loaded machine)
      ...(via === 'whois' ? { SCOUT_RDAP: 'off', SCOUT_BACKOFF_MS: String(WHOIS_BACKOFF_MS), SCOUT_RETRIES: '8' } : {}),
    });
    const outcome = await runBulk(api, cases.map((c) => c.domain), 90_000);
    const log = simulator.log();
    const queried = log.filter((e) => e.proto === via);
    // after the first refusal of each burst of them: how long until the server sees the next
    // query, not counting stragglers sent before the refusal reached the client (they arrive
    // within a few ms, and may be refused too). The window must stay below the pause expected:
    // RDAP's Retry-After is 1 s; WHOIS's first backoff pause is half to all of WHOIS_BACKOFF_MS
    const stragglerMs = via === 'rdap' ? 100 : 25;
    const firstRefusals = limited(queried).filter((e, i, all) => i === 0 || e.t - all[i - 1].t > stragglerMs);
    const quietAfterRefusal = firstRefusals.map((e) => {
      const next = queried.find((n) => n.t > e.t + stragglerMs);
      return next ? next.t - e.t : Infinity;
    });
    const report = {
      via,
      ms: outcome.ms,
      failed: outcome.status.failed,
      statuses: countBy(outcome.results.map((l) => l.scan_status)),
      stats: simulator.stats()[via],
      minQuietAfterRefusal: Math.min(...quietAfterRefusal),
      peaks: peaks(log),
      serviceBudgetPerWindow: WHOIS_RATE + BURST,
    };
    console.info('registry throttling', JSON.stringify(report));

    // eventual success: every domain scanned, registration data included
    expect(outcome.status.failed).toBe(0);
    expect(outcome.results.length).toBe(cases.length);
    for (const lead of outcome.results) expect(lead.scan_status, lead.domain).toBe('completed');
    // the server did throttle
    expect(firstRefusals.length).toBeGreaterThan(0);
    // RDAP: Retry-After (1 s) respected, after a 429 the server hears nothing for a second;
    // WHOIS: at least the first backoff pause (WHOIS_BACKOFF_MS, jittered down to half)
    expect(report.minQuietAfterRefusal).toBeGreaterThanOrEqual(via === 'rdap' ? 980 : WHOIS_BACKOFF_MS / 2 - 10);
    // RDAP: a 429 is retried on RDAP, not sent on to WHOIS; WHOIS would only be asked on a
    // domain's 7th and last attempt (SCOUT_RETRIES 6), which none of them needs here
    if (via === 'rdap') expect(report.peaks.whois).toBe(0);
    // the service's own budget would allow 20 queries per server in a window; backing off keeps
    // every window far below that (a client that did not back off would keep the server's window
    // full, since the server counts refused queries too, and never get through)
    expect(report.peaks[via]).toBeLessThanOrEqual(report.serviceBudgetPerWindow / 2);
    if (via === 'whois') expect(queried.length).toBeGreaterThanOrEqual(cases.length);
  }, 90_000);

  it('DNS REFUSED bursts: DNS is backed off below its budget, every domain completes', async () => {
    const cases = generateCases(corpus, 30);
    // the resolver takes 30/s; the service's budget is 40/s
    const limit = 30;
    const DNS_RATE = 40;
    const simulator = await sim(cases, { dnsPerSecond: limit });
    const api = await stack(simulator, uniquePrefix('rate-dns-refused'), { ...retriesEnv, SCOUT_DNS_RATE: String(DNS_RATE), SCOUT_WHOIS_RATE: '200' });
    const outcome = await runBulk(api, cases.map((c) => c.domain), 90_000);
    const dns = simulator.log().filter((e) => e.proto === 'dns');
    const refused = limited(dns);
    const report = {
      ms: outcome.ms,
      failed: outcome.status.failed,
      statuses: countBy(outcome.results.map((l) => l.scan_status)),
      dns: simulator.stats().dns.byOutcome,
      refusedShare: refused.length / dns.length,
      peak: maxInWindow(dns.map((e) => e.t)),
      rate: averageRate(dns.map((e) => e.t)),
    };
    console.info('dns refused', JSON.stringify(report));

    expect(outcome.status.failed).toBe(0);
    expect(outcome.results.length).toBe(cases.length);
    for (const lead of outcome.results) expect(lead.scan_status, lead.domain).toBe('completed');
    expect(refused.length).toBeGreaterThan(0);
    // most queries get through (without backoff the resolver's window would stay full)
    expect(report.refusedShare).toBeLessThan(1 / 3);
    // backing off brings the sending rate below the service's own budget, near the resolver's
    expect(report.rate).toBeLessThan(0.9 * DNS_RATE);
  }, 90_000);
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
