/**
 * Per-process query gate (`SCOUT_RATE_SCOPE=worker`): a token bucket per upstream (the DNS
 * budget for `dns`, the WHOIS budget for each `whois:<server>`) plus backoff after rate-limit
 * signals.
 */
import type { QueryGate } from '../scan/rate-gate.js';
import { createUpstreamBackoff, type UpstreamBackoff } from './backoff-state.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

export interface GateOptions {
  /** DNS queries per second. */
  dnsRate: number;
  /** WHOIS/RDAP queries per second per server. */
  whoisRate: number;
  /** Base of the exponential backoff after a rate-limit signal (ms). */
  backoffMs: number;
  /** Bucket size (burst); default: one second of budget. */
  burst?: (rate: number) => number;
}

export const rateFor = (upstream: string, options: GateOptions) => (upstream === 'dns' ? options.dnsRate : options.whoisRate);

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

export function createLocalGate(options: GateOptions): QueryGate {
  const buckets = new Map<string, TokenBucket>();
  const backoffs = new Map<string, UpstreamBackoff>();
  const burstOf = options.burst ?? ((rate: number) => Math.max(1, Math.floor(rate)));

  const backoffOf = (upstream: string) => {
    let backoff = backoffs.get(upstream);
    if (!backoff) backoffs.set(upstream, (backoff = createUpstreamBackoff(options.backoffMs)));
    return backoff;
  };

  const bucketOf = (upstream: string) => {
    let bucket = buckets.get(upstream);
    if (!bucket) {
      const rate = rateFor(upstream, options);
      buckets.set(upstream, (bucket = createTokenBucket(rate, burstOf(rate))));
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
        await sleep(bucket.reserve(), signal);
        // a pause that began while this query waited for its token holds it too; after the
        // pause it takes a fresh token (the stale one is dropped, so the bucket stays honest)
        if (pausedFor() <= 0) return;
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
