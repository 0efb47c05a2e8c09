/**
 * An in-process token bucket: `rate` tokens per second, holding at most `burst`.
 * `take()` returns how long to wait (ms) before the caller's token is due; tokens are reserved
 * in order, so waiters are served first come first served.
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

export function createTokenBucket(rate: number, burst: number = Math.max(1, rate), now: () => number = () => performance.now()): TokenBucket {
  const interval = 1000 / rate;
  // time at which the bucket would be full again; tokens = (now - emptyAt) / interval, capped at burst
  let nextFree = now() - burst * interval;
  return {
    reserve() {
      const t = now();
      // never bank more than `burst` tokens
      nextFree = Math.max(nextFree, t - burst * interval);
      nextFree += interval;
      return Math.max(0, nextFree - t);
    },
    hold(ms) {
      // the first token is due when the pause ends
      nextFree = Math.max(nextFree, now() + ms - interval);
    },
  };
}
