/**
 * What a scan asks (issue 15 item 8): every clean corpus case through node's resolver against the
 * simulator, its DNS queries counted from the simulator's log. MX, apex TXT and `_dmarc` are
 * asked once each; DKIM costs `_domainkey.<domain>` (NXDOMAIN there ends the probe; not asked
 * when only one selector is configured) plus one query per selector up to the one that hits, in
 * `orderDkimSelectors`' order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { caseHasFault } from '../sim/sim.cases.js';
import { loadCorpus } from '../../test/helpers/corpus.js';
import { createTestScanDeps, simConfig } from '../../test/helpers/deps.js';
import { scanWithRetries } from './scan-domain.js';
import { orderDkimSelectors } from './dkim.js';

const cases = loadCorpus().filter((c) => !caseHasFault(c) && !(c.expect as { failed?: boolean }).failed);
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases });
});
afterAll(async () => {
  await sim?.close();
});

/** The DNS queries asked for `domain` (from log entry `from` on). */
const asked = (domain: string, from = 0) =>
  sim
    .log()
    .slice(from)
    .filter((q) => q.proto === 'dns' && q.transport !== 'tcp' && (q.name === domain || q.name.endsWith(`.${domain}`)))
    .map((q) => `${q.type} ${q.name}`);

describe('DNS queries per domain', () => {
  it('each clean corpus case asks exactly MX, TXT, _dmarc, _domainkey and the selectors up to the hit', async () => {
    const config = simConfig(sim);
    const deps = createTestScanDeps(config);
    let total = 0;
    for (const c of cases) {
      const { lead } = await scanWithRetries(c.domain, deps, { retries: 0, backoffMs: 20 });
      const order = orderDkimSelectors(config.scan.dkimSelectors, { provider: lead.provider, mailGateway: lead.mail_gateway, spfIncludes: lead.spf_includes });
      const hasKeyNames = Object.keys(c.zone).some((name) => name.endsWith(`._domainkey.${c.domain}`));
      const probes = lead.dkim_selector !== null ? order.slice(0, order.indexOf(lead.dkim_selector) + 1) : hasKeyNames ? order : [];
      const expected = [`MX ${c.domain}`, `TXT ${c.domain}`, `TXT _dmarc.${c.domain}`, `TXT _domainkey.${c.domain}`, ...probes.map((s) => `TXT ${s}._domainkey.${c.domain}`)];
      expect(asked(c.domain).sort(), c.domain).toEqual(expected.sort());
      total += expected.length;
    }
    // the bench set's clean domains are clones of these cases: 5.41 DNS queries per domain before
    // the probe order and the `_domainkey` check came first, 4.65 after
    expect(total / cases.length).toBeLessThanOrEqual(4.7);
  });

  it('with one selector configured, `_domainkey` is not asked: the selector\'s own answer settles DKIM', async () => {
    const config = simConfig(sim, { SCOUT_DKIM_SELECTORS: 'selector1' });
    const deps = createTestScanDeps(config);
    const keyed = cases.filter((c) => Object.keys(c.zone).includes(`selector1._domainkey.${c.domain}`));
    const namedOther = cases.filter((c) => !keyed.includes(c) && Object.keys(c.zone).some((name) => name.endsWith(`._domainkey.${c.domain}`)));
    // the corpus has all three answers to the one selector: a key, NXDOMAIN beside other selectors, no `_domainkey` at all
    expect(keyed.length).toBeGreaterThan(0);
    expect(namedOther.length).toBeGreaterThan(0);
    for (const c of cases) {
      const from = sim.log().length;
      const { lead } = await scanWithRetries(c.domain, deps, { retries: 0, backoffMs: 20 });
      expect(asked(c.domain, from).filter((q) => q.includes('_domainkey.')), c.domain).toEqual([`TXT selector1._domainkey.${c.domain}`]);
      expect(lead.dkim_selector, c.domain).toBe(keyed.includes(c) ? 'selector1' : null);
    }
  });
});
