/**
 * Upstream backoff after rate-limit signals: each signal that arrives after the previous pause
 * ended doubles the pause (with jitter), up to `maxMs`; successes decay the level. Signals
 * during a pause come from queries sent before it and do not escalate.
 */
export interface UpstreamBackoff {
  /** Record a rate-limit signal; returns the pause (ms) now in force from `now`. */
  onRateLimited(now: number, retryAfterMs?: number): number;
  onSuccess(): void;
  /** Absolute time until which queries must wait (0 = none). */
  readonly pausedUntil: number;
}

export function createUpstreamBackoff(baseMs: number, maxMs = 60_000, random: () => number = Math.random): UpstreamBackoff {
  let level = 0;
  let pausedUntil = 0;
  return {
    onRateLimited(now, retryAfterMs = 0) {
      if (now < pausedUntil) return pausedUntil - now;
      level = Math.min(level + 1, 16);
      const delay = Math.min(maxMs, Math.max(baseMs, 1) * 2 ** (level - 1));
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
