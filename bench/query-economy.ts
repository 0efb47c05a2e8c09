/**
 * Queries per domain of the bench's domain set, fast: the same generated cases as scenario 1
 * (`buildCases(n, faultShare)`, clones of the corpus with 5% faulty ones), scanned by the scan
 * core itself (`scanWithRetries`, as a worker does) against the simulator with no latency and
 * lifted rates, then counted from the simulator's query log exactly as scenario 1 counts them.
 * Rate limits and latency do not change which queries a domain needs, so this prints scenario
 * 1's queries-per-kind table in seconds instead of a minute.
 *
 *   npx tsx bench/query-economy.ts [--domains 100] [--fault-share 0.05] [--dkim-selectors a,b] [--json out.json]
 *
 * `--dkim-selectors` scans with another SCOUT_DKIM_SELECTORS than the default list.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scanWithRetries } from '../src/scan/scan-domain.js';
import { startSimulator } from '../src/sim/simulator.js';
import { createTestScanDeps, simConfig } from '../test/helpers/deps.js';
import { buildCases, countQueries, type KindQueries } from './sim-setup.js';

const { values } = parseArgs({
  options: {
    domains: { type: 'string', default: '100' },
    'fault-share': { type: 'string', default: '0.05' },
    concurrency: { type: 'string', default: '5' },
    'dkim-selectors': { type: 'string' },
    json: { type: 'string' },
  },
});
const n = Number(values.domains);
const generated = buildCases(n, Number(values['fault-share']));
const sim = await startSimulator({ cases: generated.cases, seed: 0x5eed });
try {
  const config = simConfig(sim, values['dkim-selectors'] ? { SCOUT_DKIM_SELECTORS: values['dkim-selectors'] } : {});
  const deps = createTestScanDeps(config);
  const queue = [...generated.domains];
  const outcomes: Record<string, number> = {};
  const worker = async () => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      const outcome = await scanWithRetries(d, deps, { retries: config.limits.retries, backoffMs: config.limits.backoffMs }).then(
        (r) => r.lead.scan_status,
        (e: { code?: string }) => `failed:${e.code ?? '?'}`,
      );
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  const report = countQueries(sim.log(), generated.info);
  const row = (k: KindQueries) => `| ${k.group} | ${k.domains} | ${k.dnsMean.toFixed(2)} | ${k.dnsMax} | ${k.whoisMean.toFixed(2)} | ${k.rdapMean.toFixed(2)} | ${k.registryMax} |`;
  const head = '| group | domains | DNS mean | DNS max | WHOIS mean | RDAP mean | WHOIS+RDAP max |\n|---|---|---|---|---|---|---|';
  console.log(`${n} domains; outcomes ${JSON.stringify(outcomes)}`);
  console.log(`queries/domain DNS ${report.perDomainMean.dns.toFixed(2)} / WHOIS ${report.perDomainMean.whois.toFixed(2)} / RDAP ${report.perDomainMean.rdap.toFixed(2)}; DNS by type ${JSON.stringify(report.totals.dnsByType)}; unattributed ${report.unattributed}`);
  console.log(`M365+Google clean: ${report.economy.domains} domains, DNS max ${report.economy.dnsMax}, WHOIS+RDAP max ${report.economy.registryMax}\n`);
  console.log(`by kind:\n${head}\n${report.byKind.map(row).join('\n')}\n`);
  console.log(`by provider:\n${head}\n${report.byProvider.map(row).join('\n')}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
} finally {
  await sim.close();
}
