/**
 * An in-process token bucket (GCRA): one token per `intervalMs`, holding at most `capacity`.
 * `reserve()` returns how long to wait (ms) before the caller's token is due; tokens are
 * reserved in order, so waiters are served first come first served.
 *
 * Any run of k tokens spans at least (k - capacity) intervals: with capacity 1 (the default)
 * tokens are spaced by exactly one interval, so a window of `rate` intervals holds `rate`
 * tokens and no more.
 */
export interface TokenBucket {
  /** Reserve one token; returns the wait in ms (0 = go now). */
  reserve(): number;
  /**
   * No token accrues for `ms` from now (a backoff pause): the bucket is empty when the pause
   * ends, so the queries it held resume at the steady rate instead of one burst.
   */
  hold(ms: number): void;
}

export interface TokenBucketOptions {
  /** Milliseconds between two tokens (1000 / rate, or a little more for a safety margin). */
  intervalMs: number;
  /** Tokens the bucket holds when full (>= 1): 1 = no burst, tokens strictly spaced. Default 1. */
  capacity?: number;
  now?: () => number;
}

export function createTokenBucket({ intervalMs: interval, capacity = 1, now = () => performance.now() }: TokenBucketOptions): TokenBucket {
  const cap = Math.max(1, capacity);
  // time at which the bucket would be full again; tokens = (now - emptyAt) / interval, capped at cap
  let nextFree = now() - cap * interval;
  return {
    reserve() {
      const t = now();
      // never bank more than `cap` tokens
      nextFree = Math.max(nextFree, t - cap * interval);
      nextFree += interval;
      return Math.max(0, nextFree - t);
    },
    hold(ms) {
      // the first token is due when the pause ends
      nextFree = Math.max(nextFree, now() + ms - interval);
    },
  };
}
