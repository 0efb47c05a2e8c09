/**
 * How registration lookups answer rate-limit replies, against the simulator (RDAP over HTTP,
 * WHOIS over TCP), counted in the simulator's query log. A simulator of its own: the corpus'
 * throttle faults have budgets that other test files would spend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { cloneCase } from '../sim/sim.cases.js';
import { loadCorpus } from '../../test/helpers/corpus.js';
import { createTestScanDeps, simConfig } from '../../test/helpers/deps.js';
import { whoisUpstream } from './rate-gate.js';
import { scanWithRetries } from './scan-domain.js';

const corpus = loadCorpus();
const throttledOnce = cloneCase(corpus.find((c) => c.whois?.fault?.kind === 'THROTTLE' && c.whois.fault.times === 1)!, 'once-throttled.nl');
const throttledAlways = cloneCase(corpus.find((c) => c.whois?.fault?.kind === 'THROTTLE' && c.whois.fault.times === undefined)!, 'always-throttled.nl');
const throttledAlways2 = cloneCase(throttledAlways, 'always-throttled-too.nl');
const clean = cloneCase(corpus.find((c) => c.kind === 'm365' && !c.whois?.fault)!, 'patient-registry.nl');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases: [throttledOnce, throttledAlways, throttledAlways2, clean] });
});
afterAll(async () => {
  await sim?.close();
});

const registryQueries = (domain: string) => {
  const log = sim.log().filter((q) => q.name === domain && q.proto !== 'dns');
  return { rdap: log.filter((q) => q.proto === 'rdap').length, whois: log.filter((q) => q.proto === 'whois').length };
};

describe('rate-limit replies of a registry', () => {
  it('an RDAP 429 is retried on RDAP after the backoff, not sent on to the WHOIS server at once', async () => {
    const config = simConfig(sim);
    const { lead, attempts } = await scanWithRetries(throttledOnce.domain, createTestScanDeps(config), { retries: 2, backoffMs: 20 });
    expect(lead.scan_status).toBe('completed');
    expect(lead.whois_source).toBe('rdap');
    expect(attempts).toBe(2);
    expect(registryQueries(throttledOnce.domain)).toEqual({ rdap: 2, whois: 0 });
  });

  it('on the last attempt a throttled RDAP answer falls back to WHOIS once', async () => {
    const config = simConfig(sim);
    const { lead, whoisError, attempts } = await scanWithRetries(throttledAlways.domain, createTestScanDeps(config), { retries: 2, backoffMs: 20 });
    expect(lead.scan_status).toBe('whois_failed');
    expect(attempts).toBe(3);
    expect(whoisError?.code).toBe('whois_throttled');
    expect(registryQueries(throttledAlways.domain)).toEqual({ rdap: 3, whois: 1 });
  });

  it('on the last attempt a WHOIS server in a rate-limit pause is skipped: the lead is kept with the RDAP error', async () => {
    const config = simConfig(sim);
    const deps = createTestScanDeps(config);
    deps.gate.reportRateLimited(whoisUpstream(sim.whoisAddress), 60_000);
    const started = performance.now();
    const { lead, whoisError } = await scanWithRetries(throttledAlways2.domain, deps, { retries: 1, backoffMs: 20 });
    expect(lead.scan_status).toBe('whois_failed');
    expect(whoisError?.code).toBe('rdap_throttled');
    expect(registryQueries(throttledAlways2.domain)).toEqual({ rdap: 2, whois: 0 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
  it('a Retry-After of an hour is honoured for at most 10 s: the domain does not wait it out, its last chance goes to WHOIS', async () => {
    const config = simConfig(sim);
    // an RDAP server that answers every query with 429 and Retry-After: 3600
    let rdapQueries = 0;
    const fetchImpl = (async () => {
      rdapQueries++;
      return new Response('slow down', { status: 429, headers: { 'retry-after': '3600' } });
    }) as typeof fetch;
    const deps = { ...createTestScanDeps(config), fetchImpl };
    const sleeps: number[] = [];
    const { lead, attempts } = await scanWithRetries(clean.domain, deps, {
      retries: 2,
      backoffMs: 20,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(attempts).toBe(3);
    expect(sleeps.length).toBe(2);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(10_000);
    expect(sleeps[0]).toBeGreaterThanOrEqual(10_000); // the Retry-After, capped
    // attempt 1 got the 429; attempt 2 did not ask RDAP again (its pause is an hour); the last
    // attempt took WHOIS
    expect(lead.scan_status).toBe('completed');
    expect(lead.whois_source).toBe('whois');
    expect(rdapQueries).toBe(1);
    expect(registryQueries(clean.domain).whois).toBe(1);
  });
});
