/**
 * DNS I/O: one `Resolver` per scan (so a scan's deadline can cancel exactly its own queries),
 * pointed at the configured servers, every query passing the rate gate first.
 * Answers come back as data (`records` / `nodata` / `nxdomain`); failures that mean
 * "we could not find out" (timeout, SERVFAIL, REFUSED) are transient ScanErrors.
 */
import { Resolver } from 'node:dns/promises';
import { timeUpstream } from '../../observability/metrics.js';
import { createScanError, ScanError } from '../scan.errors.js';
import { BudgetExhaustedError, type IoBudget } from '../io-budget.js';
import { DNS_UPSTREAM, type QueryGate } from '../rate-gate.js';
import type { MxRecord } from '../scan.types.js';

/** Extra tries of one query answered REFUSED (after the gate's backoff pause). */
const REFUSED_RETRIES = 2;

export type DnsAnswer<T> = { kind: 'records'; records: T[] } | { kind: 'nodata' } | { kind: 'nxdomain' };

export interface DnsLookup {
  queryMx(name: string): Promise<DnsAnswer<MxRecord>>;
  /** TXT records, each as its list of character-strings. */
  queryTxt(name: string): Promise<DnsAnswer<string[]>>;
}

export interface DnsClientOptions {
  /** `host:port` list; undefined = the system's resolvers. */
  servers?: string[];
  /** Timeout of one query (ms); one try: retries are the scan's, with backoff. */
  queryTimeoutMs: number;
  gate: QueryGate;
  /** The scan's DNS budget: every query is charged to it; the gate wait is not. */
  budget: IoBudget;
  /** Aborts waiting for the gate (job cancelled). */
  signal?: AbortSignal;
}

/** Map a node:dns error code to the scan's error table. */
export function mapDnsError(name: string, error: unknown): ScanError {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ETIMEOUT':
      return createScanError('dns_timeout', `DNS query for ${name} timed out`, { cause: error, upstream: DNS_UPSTREAM });
    case 'ESERVFAIL':
      return createScanError('dns_servfail', `DNS server failed (SERVFAIL) for ${name}`, { cause: error, upstream: DNS_UPSTREAM });
    case 'EREFUSED':
      return createScanError('dns_refused', `DNS server refused the query for ${name}`, { cause: error, upstream: DNS_UPSTREAM });
    default:
      return createScanError('dns_error', `DNS query for ${name} failed: ${code ?? String(error)}`, { cause: error, upstream: DNS_UPSTREAM });
  }
}

/**
 * One resolver (one c-ares channel) per server list and timeout, shared by every scan of the
 * process: a channel per domain costs CPU and memory. A scan whose budget runs out abandons
 * its query (the step rejects at once); the query itself ends within `queryTimeoutMs`.
 */
const resolvers = new Map<string, Resolver>();
function sharedResolver(servers: string[] | undefined, queryTimeoutMs: number): Resolver {
  const key = `${servers?.join(',') ?? 'system'}|${queryTimeoutMs}`;
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = new Resolver({ timeout: queryTimeoutMs, tries: 1 });
    if (servers?.length) resolver.setServers(servers);
    resolvers.set(key, resolver);
  }
  return resolver;
}

const budgetSpent = (name: string, error: BudgetExhaustedError) =>
  createScanError('dns_timeout', `DNS ${error.message} for ${name}`, { cause: error, upstream: DNS_UPSTREAM });

export function createDnsLookup(options: DnsClientOptions): DnsLookup {
  const resolver = sharedResolver(options.servers, options.queryTimeoutMs);
  const { gate, signal, budget } = options;

  async function queryOnce<T>(name: string, run: () => Promise<T[]>): Promise<DnsAnswer<T>> {
    try {
      // a spent budget fails before waiting for a token
      budget.throwIfExhausted();
    } catch (error) {
      throw budgetSpent(name, error as BudgetExhaustedError);
    }
    await gate.acquire(DNS_UPSTREAM, signal);
    try {
      // the query ends on the resolver's own timeout: nothing to cancel, so no AbortSignal for it
      const records = await budget.race(() => timeUpstream('dns', run));
      gate.reportSuccess(DNS_UPSTREAM);
      return records.length ? { kind: 'records', records } : { kind: 'nodata' };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof BudgetExhaustedError) throw budgetSpent(name, error);
      if (signal?.aborted) throw signal.reason;
      if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
      if (code === 'ENODATA') return { kind: 'nodata' };
      const mapped = mapDnsError(name, error);
      if (mapped.code === 'dns_refused') gate.reportRateLimited(DNS_UPSTREAM);
      throw mapped;
    }
  }

  /**
   * A REFUSED answer is the resolver's rate limit: the gate now holds all DNS queries for a
   * backoff pause, after which this one query is asked again (twice at most) instead of
   * failing the whole domain attempt and repeating its other queries.
   */
  async function query<T>(name: string, run: () => Promise<T[]>): Promise<DnsAnswer<T>> {
    for (let retry = 0; ; retry++) {
      try {
        return await queryOnce(name, run);
      } catch (error) {
        if (!(error instanceof ScanError) || error.code !== 'dns_refused' || retry >= REFUSED_RETRIES) throw error;
      }
    }
  }

  return {
    queryMx: (name) =>
      query(name, async () =>
        (await resolver.resolveMx(name)).map((mx) => ({
          preference: mx.priority,
          host: mx.exchange.toLowerCase().replace(/\.$/, ''),
        })),
      ),
    queryTxt: (name) => query(name, () => resolver.resolveTxt(name)),
  };
}
