/**
 * The simulator of one scenario: generated cases (mostly clean, a small evenly spread share of
 * faulty ones), realistic seeded latency, and the accounting of what the service asked it.
 */
import { RATE_SPACING_MARGIN } from '../src/limits/local-gate.js';
import { caseHasFault, cloneCase, generateCases, generatedDomainName } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import type { SimCase, SimLatencyOptions, SimQueryLogEntry, SimRateLimitOptions } from '../src/sim/sim.types.js';
import { loadCorpus } from '../test/helpers/corpus.js';

/** Latency of the "realistic" scenarios (ms): DNS 5-50, WHOIS and RDAP 100-600. */
export const REALISTIC_LATENCY: SimLatencyOptions = { dns: [5, 50], whois: [100, 600], rdap: [100, 600] };

export interface DomainInfo {
  /** Corpus case kind of the template (m365, google, nullmx, timeout, ...). */
  kind: string;
  /** Expected provider of the template (M365, Google, ...), or 'failed' for cases expected to fail. */
  provider: string;
  faulty: boolean;
  fault: string | null;
}

export interface GeneratedCases {
  /** Cases the simulator loads (lazy: one clone per distinct template, at its first index). */
  cases: SimCase[];
  /** Lazy only: the template of every generated case, cloned by the simulator on demand. */
  templates?: SimCase[];
  domains: string[];
  /** Per-domain expectations (empty when lazy: a million entries are not needed there). */
  info: Map<string, DomainInfo>;
}

/** A short signature of a case's fault, for spreading fault types and for the report. */
function faultSignature(c: SimCase): string | null {
  const w = c.whois?.fault;
  if (w) return w.kind === 'THROTTLE' ? (w.times !== undefined ? `whois-throttle-x${w.times}` : 'whois-throttle') : 'whois-timeout';
  for (const owner of Object.values(c.zone)) {
    const f = owner._fault;
    if (f) return `dns-${f.rcode.toLowerCase()}${f.times !== undefined ? `-x${f.times}` : ''}`;
  }
  return null;
}

// Order in which fault types appear, so even a 100-domain run (5 faulty) sees throttle replies,
// a transient DNS error, a hung WHOIS/RDAP server, NXDOMAIN and a DNS timeout.
const FAULT_ORDER = ['whois-throttle-x1', 'dns-servfail-x1', 'whois-throttle', 'dns-nxdomain', 'whois-timeout', 'dns-timeout', 'dns-servfail'];

/**
 * `n` cases: clones of clean corpus cases, with every ~1/faultShare-th one cloned from a faulty
 * case instead (fault types in rotation). Names are `<label>-g<i>.<suffix>` (generateCases).
 */
export function buildCases(n: number, faultShare: number, options: { lazy?: boolean } = {}): GeneratedCases {
  const corpus = loadCorpus();
  const clean = corpus.filter((c) => !caseHasFault(c));
  const faultyGroups = new Map<string, SimCase[]>();
  for (const c of corpus.filter(caseHasFault)) {
    const sig = faultSignature(c)!;
    faultyGroups.set(sig, [...(faultyGroups.get(sig) ?? []), c]);
  }
  const groupOrder = [...FAULT_ORDER.filter((s) => faultyGroups.has(s)), ...[...faultyGroups.keys()].filter((s) => !FAULT_ORDER.includes(s))];
  const faulty: SimCase[] = [];
  for (let round = 0; faulty.length < corpus.filter(caseHasFault).length; round++) {
    for (const sig of groupOrder) {
      const c = faultyGroups.get(sig)![round];
      if (c) faulty.push(c);
    }
  }

  const templates: SimCase[] = [];
  let ci = 0;
  let fi = 0;
  const offset = faultShare > 0 ? Math.round(0.5 / faultShare) - 1 : 0;
  for (let i = 0; i < n; i++) {
    // evenly spread: domain i is faulty when floor((i+1)*share) steps up
    // (offset half a period, so faulty domains sit mid-block, e.g. 10, 30, 50, ... at 5%)
    const isFaulty = faultShare > 0 && faulty.length > 0 && Math.floor((i + offset + 1) * faultShare) > Math.floor((i + offset) * faultShare);
    templates.push(isFaulty ? faulty[fi++ % faulty.length] : clean[ci++ % clean.length]);
  }
  if (options.lazy) {
    // the simulator clones templates[i] when case i is first asked; it loads only the first
    // clone of each template (the provider hosts every clone shares)
    const firstOf = new Map<SimCase, number>();
    templates.forEach((t, i) => firstOf.has(t) || firstOf.set(t, i));
    const eager = [...firstOf].map(([t, i]) => cloneCase(t, generatedDomainName(t.domain, i)));
    return { cases: eager, templates, domains: templates.map((t, i) => generatedDomainName(t.domain, i)), info: new Map() };
  }
  // generateCases clones templates[i] as <label>-g<i>: the pool is exactly our ordered list
  const cases = generateCases(templates, n, { includeFaults: true });
  const info = new Map<string, DomainInfo>();
  cases.forEach((c, i) => {
    const t = templates[i];
    const expect = (t.expect ?? {}) as Record<string, unknown>;
    info.set(c.domain, {
      kind: t.kind ?? '?',
      provider: expect.failed ? 'failed' : String(expect.provider ?? '?'),
      faulty: caseHasFault(t),
      fault: faultSignature(t),
    });
  });
  return { cases, domains: cases.map((c) => c.domain), info };
}

export interface SimSetup {
  sim: Simulator;
  generated: GeneratedCases;
  /** Env pointing a service process at the simulator (no timeouts changed: service defaults). */
  env: Record<string, string>;
}

export async function startBenchSimulator(
  generated: GeneratedCases,
  options: { latency?: SimLatencyOptions; rateLimit?: SimRateLimitOptions; seed: number; maxLogEntries?: number },
): Promise<SimSetup> {
  // the corpus cases themselves are not served: only the generated names are queried
  const sim = await startSimulator({
    cases: generated.cases,
    generated: generated.templates ? { templates: generated.templates } : undefined,
    latency: options.latency,
    rateLimit: options.rateLimit,
    seed: options.seed,
    maxLogEntries: options.maxLogEntries,
  });
  return {
    sim,
    generated,
    env: {
      SCOUT_DNS_SERVERS: sim.dnsAddress,
      SCOUT_WHOIS_SERVER: sim.whoisAddress,
      SCOUT_RDAP_URL: sim.rdapUrl,
      SCOUT_RDAP_BOOTSTRAP_URL: sim.bootstrapUrl,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Query accounting

export interface QueryTotals {
  dns: number;
  /** DNS queries over UDP: one per query the service sent (each passed its rate gate once). */
  dnsUdp: number;
  /** DNS over TCP (retries of truncated UDP replies by c-ares). */
  dnsTcp: number;
  whois: number;
  rdap: number;
  /** Replies the simulator's own rate limit produced (the service overran a server's limit). */
  rateLimited: { dns: number; whois: number; rdap: number };
  dnsByType: Record<string, number>;
  outcomes: Record<string, number>;
}

export interface KindQueries {
  group: string;
  domains: number;
  dnsMean: number;
  dnsMax: number;
  whoisMean: number;
  rdapMean: number;
  /** Max of WHOIS + RDAP queries of one domain. */
  registryMax: number;
}

export interface QueryReport {
  totals: QueryTotals;
  perDomainMean: { dns: number; whois: number; rdap: number };
  /** Clean domains only, by corpus kind; faulty domains in one group per fault type. */
  byKind: KindQueries[];
  /** Clean domains by expected provider. */
  byProvider: KindQueries[];
  /** The economy target: clean M365 and Google domains. */
  economy: { domains: number; dnsMax: number; registryMax: number; pass: boolean };
  /** Queries whose name maps to no generated domain. */
  unattributed: number;
}

/** Map a queried name to the generated domain it belongs to (walk up the labels). */
function ownerDomain(name: string, known: Map<string, DomainInfo>): string | undefined {
  let n = name.toLowerCase().replace(/\.$/, '');
  for (;;) {
    if (known.has(n)) return n;
    const dot = n.indexOf('.');
    if (dot < 0) return undefined;
    n = n.slice(dot + 1);
  }
}

export function countQueries(log: SimQueryLogEntry[], info: Map<string, DomainInfo>): QueryReport {
  const totals: QueryTotals = { dns: 0, dnsUdp: 0, dnsTcp: 0, whois: 0, rdap: 0, rateLimited: { dns: 0, whois: 0, rdap: 0 }, dnsByType: {}, outcomes: {} };
  const per = new Map<string, { dns: number; whois: number; rdap: number }>();
  let unattributed = 0;
  for (const e of log) {
    totals[e.proto]++;
    if (e.proto === 'dns') {
      if (e.transport === 'tcp') totals.dnsTcp++;
      else totals.dnsUdp++;
      if (e.type) totals.dnsByType[e.type] = (totals.dnsByType[e.type] ?? 0) + 1;
    }
    if (e.outcome === 'RATE_LIMITED') totals.rateLimited[e.proto]++;
    const key = `${e.proto}:${e.outcome}`;
    totals.outcomes[key] = (totals.outcomes[key] ?? 0) + 1;
    const domain = ownerDomain(e.name, info);
    if (!domain) {
      unattributed++;
      continue;
    }
    let c = per.get(domain);
    if (!c) per.set(domain, (c = { dns: 0, whois: 0, rdap: 0 }));
    // a truncated UDP answer retried over TCP is one query of the service
    if (e.proto === 'dns' && e.transport === 'tcp') continue;
    c[e.proto]++;
  }

  const group = (name: string, domains: string[]): KindQueries => {
    const rows = domains.map((d) => per.get(d) ?? { dns: 0, whois: 0, rdap: 0 });
    const mean = (f: (r: { dns: number; whois: number; rdap: number }) => number) => (rows.length ? rows.reduce((s, r) => s + f(r), 0) / rows.length : 0);
    return {
      group: name,
      domains: rows.length,
      dnsMean: round2(mean((r) => r.dns)),
      dnsMax: Math.max(0, ...rows.map((r) => r.dns)),
      whoisMean: round2(mean((r) => r.whois)),
      rdapMean: round2(mean((r) => r.rdap)),
      registryMax: Math.max(0, ...rows.map((r) => r.whois + r.rdap)),
    };
  };
  const groupBy = (key: (d: string, i: DomainInfo) => string) => {
    const m = new Map<string, string[]>();
    for (const [d, i] of info) {
      const k = key(d, i);
      m.set(k, [...(m.get(k) ?? []), d]);
    }
    return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, ds]) => group(k, ds));
  };
  const byKind = groupBy((_d, i) => (i.faulty ? `fault:${i.fault}` : i.kind));
  const byProvider = groupBy((_d, i) => (i.faulty ? 'faulty' : i.provider));
  const ecoDomains = [...info].filter(([, i]) => !i.faulty && (i.provider === 'M365' || i.provider === 'Google')).map(([d]) => d);
  const eco = group('M365+Google', ecoDomains);
  const all = [...info.keys()];
  const allGroup = group('all', all);
  return {
    totals,
    perDomainMean: { dns: allGroup.dnsMean, whois: allGroup.whoisMean, rdap: allGroup.rdapMean },
    byKind,
    byProvider,
    economy: { domains: eco.domains, dnsMax: eco.dnsMax, registryMax: eco.registryMax, pass: eco.domains > 0 && eco.dnsMax <= 5 && eco.registryMax <= 1 },
    unattributed,
  };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------
// The floor

export const FLOOR_FORMULA =
  'floor = max over upstreams u of max(0, Q_u - N*B_u) / (N*R_u), upstreams = the DNS budget and each WHOIS/RDAP server ' +
  '(the simulator\'s WHOIS and RDAP are two servers, each with its own per-server budget); Q_u = queries the simulator received ' +
  '(DNS: over UDP, one per gate token), R_u = the per-worker rate (SCOUT_DNS_RATE, SCOUT_WHOIS_RATE), N = worker processes ' +
  '(each has its own budgets), B_u = 1 + the burst (SCOUT_DNS_BURST / SCOUT_WHOIS_BURST, default 0): the tokens each worker\'s ' +
  'bucket starts with; the gate spaces tokens 2% wider than 1 / R_u (its jitter margin), so R_u counts as R_u / 1.02';

export interface Floor {
  seconds: number;
  dnsSeconds: number;
  whoisSeconds: number;
  rdapSeconds: number;
  bound: 'dns' | 'whois' | 'rdap';
}

export function computeFloor(totals: QueryTotals, rates: { dns: number; whois: number }, workers: number, bursts: { dns: number; whois: number } = { dns: 0, whois: 0 }): Floor {
  // the service's buckets hold burst + 1 tokens, start full, and space tokens by
  // (1 + RATE_SPACING_MARGIN) / rate (src/limits/local-gate.ts)
  const part = (queries: number, rate: number, burst: number) =>
    (Math.max(0, queries - workers * (burst + 1)) * (1 + RATE_SPACING_MARGIN)) / (rate * workers);
  const dnsSeconds = part(totals.dnsUdp, rates.dns, bursts.dns);
  const whoisSeconds = part(totals.whois, rates.whois, bursts.whois);
  const rdapSeconds = part(totals.rdap, rates.whois, bursts.whois);
  const seconds = Math.max(dnsSeconds, whoisSeconds, rdapSeconds);
  const bound = seconds === dnsSeconds ? 'dns' : seconds === rdapSeconds ? 'rdap' : 'whois';
  return { seconds: round2(seconds), dnsSeconds: round2(dnsSeconds), whoisSeconds: round2(whoisSeconds), rdapSeconds: round2(rdapSeconds), bound };
}

// ---------------------------------------------------------------------------------------------
// Timeline: where the wall time above the floor went

export interface Timeline {
  /** Seconds from submission to the first / last DNS query. */
  firstDnsAt: number;
  lastDnsAt: number;
  /** Job end minus the last DNS query: time the DNS budget sat idle at the end. */
  tailSeconds: number;
  /** DNS queries / (rate x active DNS window): 1.0 = the budget was saturated while DNS work remained. */
  dnsUtilisation: number;
  /** Domains queried after the last DNS query (their retries formed the tail), with their fault. */
  tailDomains: { domain: string; fault: string | null; registryQueries: number; lastQueryAt: number }[];
}

export function timeline(log: SimQueryLogEntry[], info: Map<string, DomainInfo>, t0EpochMs: number, wallSeconds: number, dnsRatePerSecondTotal: number): Timeline {
  const dns = log.filter((e) => e.proto === 'dns' && e.transport !== 'tcp');
  const firstDnsAt = dns.length ? (dns[0].t - t0EpochMs) / 1000 : 0;
  const lastDnsAt = dns.length ? (dns[dns.length - 1].t - t0EpochMs) / 1000 : 0;
  const window = Math.max(0.001, lastDnsAt - firstDnsAt);
  const lastDnsT = dns.length ? dns[dns.length - 1].t : t0EpochMs;
  const tail = new Map<string, { domain: string; fault: string | null; registryQueries: number; lastQueryAt: number }>();
  for (const e of log) {
    if (e.t <= lastDnsT) continue;
    const d = ownerDomain(e.name, info);
    if (!d) continue;
    const row = tail.get(d) ?? { domain: d, fault: info.get(d)?.fault ?? null, registryQueries: 0, lastQueryAt: 0 };
    if (e.proto !== 'dns') row.registryQueries++;
    row.lastQueryAt = round2((e.t - t0EpochMs) / 1000);
    tail.set(d, row);
  }
  return {
    firstDnsAt: round2(firstDnsAt),
    lastDnsAt: round2(lastDnsAt),
    tailSeconds: round2(wallSeconds - lastDnsAt),
    // the bucket starts with one token (burst 0), then one per interval
    dnsUtilisation: round2(dns.length / (dnsRatePerSecondTotal * window + 1)),
    tailDomains: [...tail.values()].sort((a, b) => b.lastQueryAt - a.lastQueryAt).slice(0, 5),
  };
}
