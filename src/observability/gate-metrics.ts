/**
 * A rate gate that reports what it does: every wait for a token or a pause (count and time, by
 * upstream) and every rate-limit pause, logged as one line and counted.
 */
import type { Logger } from '../logger.js';
import type { QueryGate } from '../scan/rate-gate.js';
import { metrics } from './metrics.js';

/** Waits shorter than this are a free token, not a wait. */
const WAIT_THRESHOLD_MS = 2;

export function instrumentGate(gate: QueryGate, logger: Logger): QueryGate {
  return {
    async acquire(upstream, signal) {
      const started = performance.now();
      await gate.acquire(upstream, signal);
      const waited = performance.now() - started;
      if (waited >= WAIT_THRESHOLD_MS) {
        metrics.rateLimitWaits.inc({ upstream });
        metrics.rateLimitWaitSeconds.inc({ upstream }, waited / 1000);
      }
    },
    reportRateLimited(upstream, retryAfterMs) {
      const pausedBefore = gate.pausedForMs(upstream);
      gate.reportRateLimited(upstream, retryAfterMs);
      metrics.rateLimitPauses.inc({ upstream });
      logger.warn({ upstream, retryAfterMs, pauseMs: gate.pausedForMs(upstream), pausedBefore }, `rate limited by ${upstream}: queries to it pause`);
    },
    reportSuccess: (upstream) => gate.reportSuccess(upstream),
    pausedForMs: (upstream) => gate.pausedForMs(upstream),
  };
}
