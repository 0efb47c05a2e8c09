/**
 * Upstream backoff after rate-limit signals: each signal that arrives after the previous pause
 * ended doubles the pause (with jitter), up to `maxMs`; successes decay the level, and so does
 * calm: each stretch as long as the current delay without a signal forgives one level, so a
 * few scattered throttle replies never build up to minute-long pauses of the whole server.
 * Signals during a pause come from queries sent before it and do not escalate.
 *
 * A signal may name its subject (the domain queried). A subject that already signalled in the
 * current episode (since the level was last 0) adds no evidence that the server as a whole is
 * limiting us: a registry that keeps refusing one name while it answers others is refusing
 * that name, and that name's own retries are spaced by its retry backoff. Such a repeat does
 * not escalate and pauses the server only for the upstream's own Retry-After, if any.
 */
export interface UpstreamBackoff {
  /** Record a rate-limit signal; returns the pause (ms) now in force from `now`. */
  onRateLimited(now: number, retryAfterMs?: number, subject?: string): number;
  onSuccess(): void;
  /** Absolute time until which queries must wait (0 = none). */
  readonly pausedUntil: number;
}

/** Bounds the memory of one episode; past it, new subjects escalate as unnamed signals do. */
const MAX_EPISODE_SUBJECTS = 1024;

/**
 * @param maxMs the longest pause (10 s by default): an upstream's own Retry-After may ask for
 *   more; beyond that, a longer server-wide pause costs every other domain more than the
 *   retries of the throttled ones (at most SCOUT_RETRIES each) cost the upstream.
 */
export function createUpstreamBackoff(baseMs: number, maxMs = 10_000, random: () => number = Math.random): UpstreamBackoff {
  let level = 0;
  let pausedUntil = 0;
  /** Subjects that signalled since the level was last 0. */
  const episode = new Set<string>();
  const delayAt = (l: number) => Math.min(maxMs, Math.max(baseMs, 1) * 2 ** (l - 1));
  const decay = () => {
    if (level > 0) level--;
    if (level === 0) episode.clear();
  };
  return {
    onRateLimited(now, retryAfterMs = 0, subject) {
      if (now < pausedUntil) return pausedUntil - now;
      let calm = now - pausedUntil;
      while (level > 0 && calm >= delayAt(level)) {
        calm -= delayAt(level);
        decay();
      }
      if (subject !== undefined && episode.has(subject)) {
        if (retryAfterMs > 0) pausedUntil = now + retryAfterMs;
        return Math.max(0, retryAfterMs);
      }
      if (subject !== undefined && episode.size < MAX_EPISODE_SUBJECTS) episode.add(subject);
      level = Math.min(level + 1, 16);
      const delay = delayAt(level);
      const pause = Math.max(retryAfterMs, Math.round(delay / 2 + (random() * delay) / 2));
      pausedUntil = now + pause;
      return pause;
    },
    onSuccess() {
      decay();
    },
    get pausedUntil() {
      return pausedUntil;
    },
  };
}
