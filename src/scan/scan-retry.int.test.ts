/**
 * A retry repeats only what failed: against the simulator, a DKIM probe that fails once
 * (SERVFAIL) costs one more query for that name, not a second round of MX, TXT and DMARC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { cloneCase } from '../sim/sim.cases.js';
import { loadCorpus } from '../../test/helpers/corpus.js';
import { createTestScanDeps, simConfig } from '../../test/helpers/deps.js';
import { scanWithRetries, type ScanPartial } from './scan-domain.js';

const template = loadCorpus().find((c) => c.kind === 'm365' && Object.keys(c.zone).some((name) => name.startsWith('selector1._domainkey.')))!;
const flaky = cloneCase(template, 'flaky-dkim.de');
flaky.zone[`selector1._domainkey.${flaky.domain}`]._fault = { rcode: 'SERVFAIL', times: 1 };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases: [flaky] });
});
afterAll(async () => {
  await sim?.close();
});

describe('retries and the DNS stage', () => {
  it('the answers an attempt already has are kept: the retry asks only the query that failed and what follows it', async () => {
    const retried: ScanPartial[] = [];
    const { lead, attempts } = await scanWithRetries(flaky.domain, createTestScanDeps(simConfig(sim)), {
      retries: 2,
      backoffMs: 20,
      onRetry: async (_error, partial) => void retried.push(structuredClone(partial ?? {})),
    });
    expect(attempts).toBe(2);
    expect(lead.dkim_selector).toBe('selector1');
    // the partial state a worker saves with its unit carries the answers (JSON-safe)
    expect(Object.keys(retried[0].dnsAnswers ?? {}).sort()).toEqual([`MX ${flaky.domain}`, `TXT ${flaky.domain}`, `TXT _dmarc.${flaky.domain}`, `TXT _domainkey.${flaky.domain}`].sort());
    const asked = sim
      .log()
      .filter((q) => q.proto === 'dns')
      .map((q) => `${q.type} ${q.name} ${q.outcome}`);
    expect(asked.filter((q) => q.startsWith('MX '))).toHaveLength(1);
    expect(asked.filter((q) => q.startsWith(`TXT ${flaky.domain} `))).toHaveLength(1);
    expect(asked.filter((q) => q.startsWith(`TXT _dmarc.`))).toHaveLength(1);
    expect(asked.filter((q) => q.startsWith(`TXT _domainkey.`))).toHaveLength(1);
    expect(asked.filter((q) => q.startsWith(`TXT selector1._domainkey.`))).toEqual([
      `TXT selector1._domainkey.${flaky.domain} SERVFAIL`,
      `TXT selector1._domainkey.${flaky.domain} NOERROR`,
    ]);
  });
});
