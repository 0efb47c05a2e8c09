/** Build scan dependencies pointed at a running simulator, with test-friendly budgets. */
import { configFromEnv, type Config } from '../../src/config.js';
import { createLocalGate } from '../../src/limits/local-gate.js';
import { createRdapBootstrap } from '../../src/scan/rdap/rdap.bootstrap.js';
import type { ScanDeps } from '../../src/scan/scan-domain.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { CORPUS_NOW } from './corpus.js';

/** Env for a config that talks to `sim` only, fast timeouts, generous rates. */
export function simEnv(sim: Simulator, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    SCOUT_DNS_SERVERS: sim.dnsAddress,
    SCOUT_WHOIS_SERVER: sim.whoisAddress,
    SCOUT_RDAP_URL: sim.rdapUrl,
    SCOUT_RDAP_BOOTSTRAP_URL: sim.bootstrapUrl,
    // short enough that the corpus' TIMEOUT faults cost little, long enough for a loaded 2-core CI
    SCOUT_DNS_QUERY_TIMEOUT_MS: '1000',
    SCOUT_DNS_TIMEOUT_MS: '3000',
    SCOUT_WHOIS_TIMEOUT_MS: '1500',
    SCOUT_BACKOFF_MS: '20',
    SCOUT_DNS_RATE: '2000',
    SCOUT_WHOIS_RATE: '2000',
    LOG_LEVEL: 'silent',
    // quotas off: tests of other things start many jobs from one address (test/doors.e2e.test.ts turns them on)
    SCOUT_QUOTA_JOBS_PER_MINUTE: '0',
    SCOUT_QUOTA_DOMAINS_PER_HOUR: '0',
    SCOUT_QUOTA_RUNNING_JOBS: '0',
    ...overrides,
  };
}

export function createTestScanDeps(config: Config): ScanDeps {
  return {
    config: config.scan,
    gate: createLocalGate({
      dnsRate: config.limits.dnsRate,
      whoisRate: config.limits.whoisRate,
      dnsBurst: config.limits.dnsBurst,
      whoisBurst: config.limits.whoisBurst,
      backoffMs: config.limits.backoffMs,
    }),
    bootstrap: createRdapBootstrap({ url: config.scan.rdapBootstrapUrl }),
    now: () => CORPUS_NOW,
  };
}

export function simConfig(sim: Simulator, overrides: Record<string, string | undefined> = {}): Config {
  return configFromEnv(simEnv(sim, overrides));
}
