/**
 * Per-process query gate (`SCOUT_RATE_SCOPE=worker`): a token bucket per upstream (the DNS
 * budget for `dns`, the WHOIS budget for each `whois:<server>`) plus backoff after rate-limit
 * signals. By default (burst 0) no 1-second window holds more queries than the rate.
 */
import type { QueryGate } from '../scan/rate-gate.js';
import { createUpstreamBackoff, type UpstreamBackoff } from './backoff-state.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';
import { createWindowLog, type WindowLog } from './window-log.js';

export interface GateOptions {
  /** DNS queries per second. */
  dnsRate: number;
  /** WHOIS/RDAP queries per second per server. */
  whoisRate: number;
  /** Base of the exponential backoff after a rate-limit signal (ms). */
  backoffMs: number;
  /** DNS queries beyond the rate that one 1-second window may hold (SCOUT_DNS_BURST). Default 0. */
  dnsBurst?: number;
  /** The same per WHOIS/RDAP server (SCOUT_WHOIS_BURST). Default 0. */
  whoisBurst?: number;
  /** Extra spacing between tokens, a fraction of 1000 / rate. Default RATE_SPACING_MARGIN. */
  spacingMargin?: number;
}

/**
 * Tokens are spaced 2% wider than 1000 / rate, and the window log counts in windows of 1020 ms:
 * `rate` tokens then span 1020 ms, so up to 20 ms of jitter between this gate and the upstream
 * (the event loop, the network) cannot put `rate + 1` queries into one second as the upstream
 * counts it (13 ms was seen on a loaded 2-core machine with the simulator in the same process).
 * Costs 2% of throughput.
 */
export const RATE_SPACING_MARGIN = 0.02;

export const rateFor = (upstream: string, options: GateOptions) => (upstream === 'dns' ? options.dnsRate : options.whoisRate);
export const burstFor = (upstream: string, options: GateOptions) => Math.max(0, Math.floor(upstream === 'dns' ? (options.dnsBurst ?? 0) : (options.whoisBurst ?? 0)));
/** Milliseconds between two tokens of `upstream`. */
export const intervalFor = (upstream: string, options: GateOptions) => (1000 * (1 + (options.spacingMargin ?? RATE_SPACING_MARGIN))) / rateFor(upstream, options);
/**
 * Bucket capacity: burst + 1. A run of k tokens spans at least (k - capacity) intervals, so a
 * 1-second window holds at most rate + burst of them (burst 0: at most `rate`).
 */
export const capacityFor = (upstream: string, options: GateOptions) => burstFor(upstream, options) + 1;
/** Queries one window may hold: rate + burst (at least 1). */
export const windowLimitFor = (upstream: string, options: GateOptions) => Math.max(1, Math.floor(rateFor(upstream, options) + burstFor(upstream, options)));
/** The window the gate counts in: one second, widened by the spacing margin. */
export const windowMsFor = (options: GateOptions) => 1000 * (1 + (options.spacingMargin ?? RATE_SPACING_MARGIN));

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sleep until `performance.now()` reaches `due`. A timer can fire early by the time the current
 * event-loop turn had already run when it was set (Node measures timeouts from the loop's cached
 * clock), which would let a token out before its time: check the clock and sleep the rest.
 */
export async function sleepUntil(due: number, signal?: AbortSignal): Promise<void> {
  for (let left = due - performance.now(); left > 0; left = due - performance.now()) await sleep(Math.max(1, left), signal);
  if (signal?.aborted) throw signal.reason;
}

export function createLocalGate(options: GateOptions): QueryGate {
  const buckets = new Map<string, TokenBucket>();
  const logs = new Map<string, WindowLog>();
  const backoffs = new Map<string, UpstreamBackoff>();

  const backoffOf = (upstream: string) => {
    let backoff = backoffs.get(upstream);
    if (!backoff) backoffs.set(upstream, (backoff = createUpstreamBackoff(options.backoffMs)));
    return backoff;
  };

  const bucketOf = (upstream: string) => {
    let bucket = buckets.get(upstream);
    if (!bucket) {
      buckets.set(upstream, (bucket = createTokenBucket({ intervalMs: intervalFor(upstream, options), capacity: capacityFor(upstream, options) })));
    }
    return bucket;
  };

  return {
    async acquire(upstream, signal) {
      const bucket = bucketOf(upstream);
      const pausedFor = () => (backoffs.get(upstream)?.pausedUntil ?? 0) - Date.now();
      for (;;) {
        // wait out any backoff first, then take a token (a pause may start while we wait)
        for (let pause = pausedFor(); pause > 0; pause = pausedFor()) await sleep(pause, signal);
        // a token due now needs no timer (nor a promise: the hot path of every query)
        const tokenWait = bucket.reserve();
        if (tokenWait > 0) await sleepUntil(performance.now() + tokenWait, signal);
        else signal?.throwIfAborted();
        // a pause that began while this query waited for its token holds it too; after the
        // pause it takes a fresh token (the stale one is dropped, so the bucket stays honest)
        if (pausedFor() > 0) continue;
        // the hard limit, on real grant times: a late timer must not let tokens out in a crowd
        let log = logs.get(upstream);
        if (!log) logs.set(upstream, (log = createWindowLog(windowLimitFor(upstream, options), windowMsFor(options))));
        for (let wait = log.tryGrant(performance.now()); wait > 0; wait = log.tryGrant(performance.now())) {
          await sleepUntil(performance.now() + wait, signal);
        }
        return;
      }
    },
    reportRateLimited(upstream, retryAfterMs) {
      const pause = backoffOf(upstream).onRateLimited(Date.now(), retryAfterMs);
      // tokens must not pile up during the pause: a full-bucket burst right after it would
      // hit the upstream that just throttled us with the queries the pause held back
      bucketOf(upstream).hold(pause);
    },
    reportSuccess(upstream) {
      backoffs.get(upstream)?.onSuccess();
    },
    pausedForMs(upstream) {
      return Math.max(0, (backoffs.get(upstream)?.pausedUntil ?? 0) - Date.now());
    },
  };
}
