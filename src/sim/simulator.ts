/**
 * The local stand-in for the internet's DNS, WHOIS and RDAP servers: one call starts all three
 * over the same cases, with shared fault budgets, one query log and optional pacing.
 * Several simulators can run in one process (each has its own state and ports).
 */
import { createCaseIndex } from './case-index.js';
import { createGeneratedIndex, layerIndexes } from './generated-index.js';
import { startDnsServer } from './dns-server.js';
import { createFaultCounters } from './fault-counters.js';
import { createLatency, createRandom, createRateWindow, DEFAULT_SEED, protoSeed, type ServerPacing } from './pacing.js';
import { createQueryRecorder } from './query-recorder.js';
import { startRdapServer } from './rdap-server.js';
import type { SimCase, SimLatencyOptions, SimProto, SimQueryLogEntry, SimRateLimitOptions, SimStats } from './sim.types.js';
import { startWhoisServer } from './whois-server.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** The cases to serve (e.g. `loadCases('test/fixtures/dns-cases.json')`). */
  cases: SimCase[];
  /** More cases, e.g. from `generateCases()` for benchmarks. On a duplicate domain or owner the first wins. */
  extraCases?: SimCase[];
  /**
   * Generated cases built on demand: case `i` is `templates[i]` cloned under the name
   * `generateCases` would give it (`<label>-g<i>.<suffix>`), so a million of them cost a list of
   * references instead of a million zones. Names every clone shares (provider hosts) come from
   * `cases`: include one clone per distinct template there.
   */
  generated?: { templates: readonly SimCase[]; cacheSize?: number };
  /** Bind address. Default `127.0.0.1`. */
  host?: string;
  /** DNS port, UDP and TCP. 0 or undefined = a free random port. */
  dnsPort?: number;
  /** WHOIS port. 0 or undefined = a free random port. */
  whoisPort?: number;
  /** RDAP HTTP port. 0 or undefined = a free random port. */
  rdapPort?: number;
  /** Uniform random delay before each reply, per protocol (ms). Default: none. */
  latency?: SimLatencyOptions;
  /** Per-server query rate limits over a 1-second sliding window. Default: none. */
  rateLimit?: SimRateLimitOptions;
  /** Seed of the latency PRNG. Default {@link DEFAULT_SEED}: latencies repeat run to run. */
  seed?: number;
  /** Keep only the newest N query log entries (counters stay exact). Default: unlimited. */
  maxLogEntries?: number;
}

/** A running simulator. */
export interface Simulator {
  /** `host:port` for `Resolver.setServers()` / `SCOUT_DNS_SERVERS`. */
  dnsAddress: string;
  /** `host:port` for `SCOUT_WHOIS_SERVER`. */
  whoisAddress: string;
  /** Base URL without trailing slash: lookups go to `${rdapUrl}/domain/<name>` (`SCOUT_RDAP_URL`). */
  rdapUrl: string;
  /** IANA-style bootstrap file mapping every loaded TLD to `rdapUrl` (`SCOUT_RDAP_BOOTSTRAP_URL`). */
  bootstrapUrl: string;
  /** Counters since start or the last reset. */
  stats(): SimStats;
  /** Every query received, oldest first. */
  log(): SimQueryLogEntry[];
  /** Clear the log and counters, restore fault `times` budgets and empty the rate windows. */
  reset(): void;
  /** Close all servers, dropping connections held open by TIMEOUT faults and pending replies. */
  close(): Promise<void>;
}

/** Start DNS, WHOIS and RDAP servers over `options.cases`. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const loaded = createCaseIndex(options.extraCases ? [...options.cases, ...options.extraCases] : options.cases);
  const generated = options.generated;
  const index = generated ? layerIndexes(loaded, createGeneratedIndex(generated.templates, { cacheSize: generated.cacheSize })) : loaded;
  const faults = createFaultCounters();
  const recorder = createQueryRecorder({ maxLogEntries: options.maxLogEntries });
  const seed = options.seed ?? DEFAULT_SEED;
  const perSecond = { dns: options.rateLimit?.dnsPerSecond, whois: options.rateLimit?.whoisPerSecond, rdap: options.rateLimit?.rdapPerSecond };
  const pacing = (proto: SimProto): ServerPacing => ({
    delay: createLatency(options.latency?.[proto], createRandom(protoSeed(seed, proto))),
    rate: createRateWindow(perSecond[proto]),
  });
  const shared = { host, index, faults, recorder };
  const paced = { dns: pacing('dns'), whois: pacing('whois'), rdap: pacing('rdap') };

  const started = await Promise.allSettled([
    startDnsServer({ ...shared, port: options.dnsPort ?? 0, pacing: paced.dns }),
    startWhoisServer({ ...shared, port: options.whoisPort ?? 0, pacing: paced.whois }),
    startRdapServer({ ...shared, port: options.rdapPort ?? 0, pacing: paced.rdap }),
  ]);
  const [dns, whois, rdap] = started;
  if (dns.status === 'rejected' || whois.status === 'rejected' || rdap.status === 'rejected') {
    // Do not leak the servers that did start (a test would hang on them).
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    throw failure?.reason;
  }

  const hostPort = (port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    dnsAddress: hostPort(dns.value.port),
    whoisAddress: hostPort(whois.value.port),
    rdapUrl: rdap.value.baseUrl,
    bootstrapUrl: rdap.value.bootstrapUrl,
    stats: () => recorder.stats(),
    log: () => recorder.log(),
    reset() {
      recorder.reset();
      faults.reset();
      for (const p of Object.values(paced)) p.rate.reset();
    },
    close() {
      closing ??= Promise.all([dns.value.close(), whois.value.close(), rdap.value.close()]).then(() => undefined);
      return closing;
    },
  };
}
