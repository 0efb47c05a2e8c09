/**
 * Shapes of the simulator: the case file (`domain-scout dns cases v1`, see
 * the corpus README, copied with the data to `test/fixtures/`), the query log and the timing options.
 * The case types follow the file exactly so a case can be written, cloned and served as is.
 */

/** DNS failure injected on an owner; applies to every query at or under that name. */
export interface SimDnsFault {
  /** `TIMEOUT` = the server never replies. */
  rcode: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT';
  /** Only the first `times` queries at or under the owner fail (all types counted); absent = never recovers. */
  times?: number;
}

/** The records one owner name holds, keyed by record type, plus an optional fault. */
export interface SimOwnerRecords {
  /** `[preference, host]`; host `"."` is an RFC 7505 null MX. */
  MX?: Array<[number, string]>;
  /** One record = its list of character-strings (readers join them without separator). */
  TXT?: string[][];
  NS?: string[];
  A?: string[];
  /** Not in the corpus today; served for completeness. */
  AAAA?: string[];
  /** Alias target: a resolver answers the CNAME plus the target's records of the asked type. */
  CNAME?: string;
  _fault?: SimDnsFault;
}

/** What authoritative DNS answers, keyed by owner name (matched case-insensitively). */
export type SimZone = Record<string, SimOwnerRecords>;

/** `reply` is sent instead of the record for the first `times` queries (or always). */
export interface SimWhoisThrottleFault {
  kind: 'THROTTLE';
  reply: string;
  times?: number;
}

/** The connection is accepted but never answered. */
export interface SimWhoisTimeoutFault {
  kind: 'TIMEOUT';
}

/** Applies to WHOIS and RDAP alike; a `times` budget is shared by both protocols. */
export type SimWhoisFault = SimWhoisThrottleFault | SimWhoisTimeoutFault;

/** Registration data of a case's domain. */
export interface SimWhois {
  /** Raw port-43 reply. */
  raw?: string;
  /** RFC 9083 domain object; absent = RDAP 404 (not registered). */
  rdap?: Record<string, unknown>;
  fault?: SimWhoisFault;
}

/**
 * Fields a correct scan produces (per the domain model of the scan core, `src/scan/`); absent fields are not
 * checked. The simulator never reads it: it travels with the case for the tests and benchmarks.
 */
export type SimExpect = Record<string, unknown>;

/** One whole-scan case: a domain, its DNS zone, its registration data and the expected lead. */
export interface SimCase {
  domain: string;
  /** The situation the case models (m365, google, nullmx, timeout, ...). */
  kind?: string;
  zone: SimZone;
  whois?: SimWhois;
  expect?: SimExpect;
}

/** The case file: `{format, seed?, cases}`. */
export interface SimCaseFile {
  format?: string;
  seed?: number;
  cases: SimCase[];
}

/** Protocols the simulator serves. */
export type SimProto = 'dns' | 'whois' | 'rdap';

/**
 * How a query was answered. DNS: `NOERROR` (records), `NODATA` (NOERROR, empty), `NXDOMAIN`,
 * `SERVFAIL`, `REFUSED`, `FORMERR`; WHOIS/RDAP: `OK`, `NOT_FOUND`, `THROTTLE` (case fault);
 * all: `TIMEOUT` (no reply, by fault) and `RATE_LIMITED` (the simulator's own rate limit).
 */
export type SimOutcome =
  | 'NOERROR'
  | 'NXDOMAIN'
  | 'NODATA'
  | 'SERVFAIL'
  | 'REFUSED'
  | 'FORMERR'
  | 'TIMEOUT'
  | 'THROTTLE'
  | 'OK'
  | 'NOT_FOUND'
  | 'RATE_LIMITED';

/** One query received by any of the servers. */
export interface SimQueryLogEntry {
  /** `Date.now()` when the query arrived (before any simulated latency). */
  t: number;
  proto: SimProto;
  /** The queried name as received, lowercased, without trailing dot. */
  name: string;
  /** DNS qtype (`MX`, `TXT`, ...). */
  type?: string;
  /** DNS transport. */
  transport?: 'udp' | 'tcp';
  outcome: SimOutcome;
}

/** Counters of one protocol. */
export interface SimProtoStats {
  total: number;
  byOutcome: Partial<Record<SimOutcome, number>>;
}

/** Counters since start or the last `reset()`; they stay exact when the log is bounded. */
export interface SimStats {
  dns: SimProtoStats & { byType: Record<string, number> };
  whois: SimProtoStats;
  rdap: SimProtoStats;
  /** Fetches of the RDAP bootstrap file (not RDAP queries, so not in `rdap`). */
  bootstrap: { total: number };
}

/** Inclusive `[minMs, maxMs]` range of a uniform random delay. */
export type SimLatencyRange = [number, number];

/** Delay before each reply, per protocol (ms). Absent = reply at once. */
export interface SimLatencyOptions {
  dns?: SimLatencyRange;
  whois?: SimLatencyRange;
  rdap?: SimLatencyRange;
}

/**
 * Queries per second each server accepts over a 1-second sliding window, counting every query
 * received (rejected ones too, as a real server's limiter does). Above it: DNS REFUSED,
 * WHOIS a throttle text, RDAP 429 + `Retry-After: 1`. Absent = unlimited.
 */
export interface SimRateLimitOptions {
  dnsPerSecond?: number;
  whoisPerSecond?: number;
  rdapPerSecond?: number;
}

// Re-exported so that callers holding the case types can load a file from the same module;
// the validation code lives in sim.cases.ts.
export { loadCases } from './sim.cases.js';
