/**
 * The seam between the scan core and rate limiting. The scan core asks the gate before every
 * upstream query and tells it when an upstream signalled a rate limit; the worker decides how
 * budgets are kept (per process or shared through Redis).
 */

/**
 * The longest a domain waits on one upstream's say-so: the cap of the backoff pause, of a retry's
 * sleep after a Retry-After, and the longest rate-limit pause a lookup waits out instead of
 * giving up on that server for this attempt. A longer server-wide pause costs every other domain
 * more than the retries of the throttled ones (at most SCOUT_RETRIES each) cost the upstream.
 */
export const MAX_UPSTREAM_WAIT_MS = 10_000;

/** Upstream key of all DNS queries of this process (the configured resolvers share one budget). */
export const DNS_UPSTREAM = 'dns';
/** Upstream key of one WHOIS or RDAP server: budgets apply per server. */
export const whoisUpstream = (server: string) => `whois:${server}`;

export interface QueryGate {
  /** Wait until one query to `upstream` may be sent (token bucket + any backoff in force). */
  acquire(upstream: string, signal?: AbortSignal): Promise<void>;
  /**
   * The upstream signalled a rate limit (DNS REFUSED, WHOIS throttle reply, RDAP 429): hold all
   * queries to it for an exponentially growing, jittered pause (at least `retryAfterMs`).
   */
  reportRateLimited(upstream: string, retryAfterMs?: number): void;
  /** A query to the upstream succeeded: the backoff level decays. */
  reportSuccess(upstream: string): void;
  /** How long a rate-limit pause this process knows of still holds `upstream` (0 = none). */
  pausedForMs(upstream: string): number;
}

/** A gate that never waits: for pure tests and tools. */
export const openGate: QueryGate = {
  acquire: async () => {},
  reportRateLimited: () => {},
  reportSuccess: () => {},
  pausedForMs: () => 0,
};
