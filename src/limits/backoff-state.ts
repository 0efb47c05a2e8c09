import { MAX_UPSTREAM_WAIT_MS } from '../scan/rate-gate.js';

/**
 * Upstream backoff after rate-limit signals: each signal that arrives after the previous pause
 * ended doubles the pause (with jitter), up to `maxMs`; successes decay the level, and so does
 * calm: each stretch as long as the current delay without a signal forgives one level, so a
 * few scattered throttle replies (one domain's, say) never build up to minute-long pauses of
 * the whole server. Signals during a pause come from queries sent before it and do not
 * escalate.
 */
export interface UpstreamBackoff {
  /** Record a rate-limit signal; returns the pause (ms) now in force from `now`. */
  onRateLimited(now: number, retryAfterMs?: number): number;
  onSuccess(): void;
  /** Absolute time until which queries must wait (0 = none). */
  readonly pausedUntil: number;
}

/**
 * @param maxMs the longest pause (10 s by default): an upstream's own Retry-After may ask for
 *   more; beyond that, a longer server-wide pause costs every other domain more than the
 *   retries of the throttled ones (at most SCOUT_RETRIES each) cost the upstream.
 */
export function createUpstreamBackoff(baseMs: number, maxMs = MAX_UPSTREAM_WAIT_MS, random: () => number = Math.random): UpstreamBackoff {
  let level = 0;
  let pausedUntil = 0;
  const delayAt = (l: number) => Math.min(maxMs, Math.max(baseMs, 1) * 2 ** (l - 1));
  return {
    onRateLimited(now, retryAfterMs = 0) {
      if (now < pausedUntil) return pausedUntil - now;
      let calm = now - pausedUntil;
      while (level > 0 && calm >= delayAt(level)) {
        calm -= delayAt(level);
        level--;
      }
      level = Math.min(level + 1, 16);
      const delay = delayAt(level);
      const pause = Math.max(retryAfterMs, Math.round(delay / 2 + (random() * delay) / 2));
      pausedUntil = now + pause;
      return pause;
    },
    onSuccess() {
      if (level > 0) level--;
    },
    get pausedUntil() {
      return pausedUntil;
    },
  };
}
