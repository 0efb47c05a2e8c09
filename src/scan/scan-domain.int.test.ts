/**
 * The whole shared corpus through the real protocol path: node's resolver against the
 * simulator's DNS server, WHOIS over TCP, RDAP over HTTP. Case by case, every `expect` field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { loadCorpus } from '../../test/helpers/corpus.js';
import { createTestScanDeps, simConfig } from '../../test/helpers/deps.js';
import { ScanError } from './scan.errors.js';
import { whoisUpstream } from './rate-gate.js';
import { scanWithRetries } from './scan-domain.js';

const cases = loadCorpus();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases });
});
afterAll(async () => {
  await sim?.close();
});

function checkCase(c: (typeof cases)[number], via: 'rdap' | 'whois') {
  return async () => {
    const config = simConfig(sim, via === 'whois' ? { SCOUT_RDAP: 'off' } : {});
    const deps = createTestScanDeps(config);
    const run = scanWithRetries(c.domain, deps, { retries: config.limits.retries, backoffMs: config.limits.backoffMs });
    const expected = c.expect as Record<string, unknown>;
    if (expected.failed) {
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${c.domain} should fail`).toBeInstanceOf(ScanError);
      expect((error as ScanError).category).toBe(expected.category);
      return;
    }
    const { lead } = await run;
    const actual = lead as unknown as Record<string, unknown>;
    const wanted = Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k]]));
    expect(wanted).toEqual(expected);
    // a throttled RDAP answer may end on RDAP or WHOIS, so only unfaulted cases pin the source
    if (lead.scan_status === 'completed' && !c.whois?.fault) expect(lead.whois_source).toBe(via);
  };
}

describe.concurrent('every corpus case scans to its expect fields, via RDAP first', () => {
  for (const c of cases) it(`${c.kind}: ${c.domain}`, checkCase(c, 'rdap'), 20_000);
});

describe.concurrent('every corpus case scans to its expect fields, via WHOIS only', () => {
  for (const c of cases) it(`${c.kind}: ${c.domain}`, checkCase(c, 'whois'), 20_000);
});

describe('the per-domain budget holds over all attempts', () => {
  it('a hung WHOIS/RDAP server costs the WHOIS budget once, not once per attempt', async () => {
    const hung = cases.find((c) => c.whois?.fault?.kind === 'TIMEOUT')!;
    const config = simConfig(sim, { SCOUT_WHOIS_TIMEOUT_MS: '600', SCOUT_BACKOFF_MS: '20' });
    const started = performance.now();
    const { lead, whoisError, attempts } = await scanWithRetries(hung.domain, createTestScanDeps(config), { retries: 2, backoffMs: 20 });
    const elapsed = performance.now() - started;
    expect(lead.scan_status).toBe('whois_failed');
    expect(whoisError?.code).toBe('whois_timeout');
    expect(attempts).toBe(2); // the second attempt finds the WHOIS budget spent and keeps the lead
    expect(elapsed).toBeLessThan(3 * 600);
  });
  it('a spent WHOIS budget ends the domain at once: no backoff sleep, no wait for a rate-limit pause', async () => {
    const hung = cases.find((c) => c.whois?.fault?.kind === 'TIMEOUT')!;
    const config = simConfig(sim, { SCOUT_WHOIS_TIMEOUT_MS: '600' });
    const deps = createTestScanDeps(config);
    const started = performance.now();
    const { lead, attempts } = await scanWithRetries(hung.domain, deps, {
      retries: 2,
      backoffMs: 5000,
      // both registry servers paused for 10 s before the retry (as throttles of other domains would)
      onRetry: async () => {
        deps.gate.reportRateLimited(whoisUpstream(new URL(sim.rdapUrl).host), 10_000);
        deps.gate.reportRateLimited(whoisUpstream(sim.whoisAddress), 10_000);
      },
    });
    expect(lead.scan_status).toBe('whois_failed');
    expect(attempts).toBe(2);
    // 600 ms of WHOIS time; the 2.5-5 s backoff and the 10 s pause are not waited for
    expect(performance.now() - started).toBeLessThan(2500);
  });
});
