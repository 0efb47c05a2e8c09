/**
 * Cluster-wide query gate (`SCOUT_RATE_SCOPE=cluster`): the same budgets shared by every worker
 * through Redis. A GCRA token bucket in one Lua script (atomic, Redis' own clock, so worker
 * clocks may drift), a log of the real grant times that caps every window at rate + burst
 * (burst 0 by default: never more than the rate in one second), and backoff pauses stored in
 * Redis so one worker's throttle signal holds every worker back.
 */
import type { Redis, Result } from 'ioredis';
import type { QueryGate } from '../scan/rate-gate.js';
import { createUpstreamBackoff, type UpstreamBackoff } from './backoff-state.js';
import { capacityFor, intervalFor, sleep, sleepUntil, windowLimitFor, windowMsFor, type GateOptions } from './local-gate.js';

// KEYS[1] = bucket key, KEYS[2] = pause key; ARGV[1] = interval (µs), ARGV[2] = capacity (burst + 1:
// tokens the bucket holds when full; 1 = strictly spaced).
// Returns the wait in µs before the reserved token is due (or the pause left).
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return -pause * 1000 end
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
tat = math.max(tat, now - capacity * interval) + interval
-- keep the key until the bucket is full again (tat + capacity intervals): then it is as good as absent
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now + capacity * interval) / 1000))
return math.max(0, tat - now)
`;

// KEYS[1] = bucket key, KEYS[2] = pause key; ARGV[1] = pause (ms), ARGV[2] = interval (µs),
// ARGV[3] = capacity. Starts the pause unless a longer one is in force (another worker's), and
// empties the bucket up to its end: no token accrues during the pause, so the queries it held
// resume at the steady rate instead of one burst. Returns the pause in force (ms).
const PAUSE_SCRIPT = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX')
local pause = redis.call('PTTL', KEYS[2])
if pause <= 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local hold = now + pause * 1000 - interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < hold then
  redis.call('SET', KEYS[1], tostring(hold), 'PX', math.ceil((hold - now + capacity * interval) / 1000))
end
return pause
`;

// KEYS[1] = grant log (a list of grant times in µs, newest first), KEYS[2] = pause key;
// ARGV[1] = limit (queries one window may hold), ARGV[2] = window (µs). The hard limit, on the
// times tokens are actually let out (the bucket schedules them; a worker whose timer fired late
// must not let its token out in a crowd with the next ones). Returns 0 = granted and logged,
// > 0 = µs to wait before asking again, < 0 = a pause is in force (-µs left; take a fresh token).
const GRANT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return -pause * 1000 end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if redis.call('LLEN', KEYS[1]) >= limit then
  local oldest = tonumber(redis.call('LINDEX', KEYS[1], limit - 1))
  local wait = oldest + window - now
  if wait > 0 then return math.ceil(wait) end
end
redis.call('LPUSH', KEYS[1], tostring(now))
redis.call('LTRIM', KEYS[1], 0, limit - 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    scoutReserve(bucket: string, pause: string, intervalUs: number, capacity: number): Result<number, Context>;
    scoutPause(bucket: string, pause: string, pauseMs: number, intervalUs: number, capacity: number): Result<number, Context>;
    scoutGrant(log: string, pause: string, limit: number, windowUs: number): Result<number, Context>;
  }
}

export function createClusterGate(redis: Redis, prefix: string, options: GateOptions): QueryGate {
  redis.defineCommand('scoutReserve', { numberOfKeys: 2, lua: RESERVE_SCRIPT });
  redis.defineCommand('scoutPause', { numberOfKeys: 2, lua: PAUSE_SCRIPT });
  redis.defineCommand('scoutGrant', { numberOfKeys: 2, lua: GRANT_SCRIPT });
  // backoff levels are per process; the pause they produce is shared
  const backoffs = new Map<string, UpstreamBackoff>();
  /** End of the latest pause this worker saw in Redis (set by any worker), per upstream. */
  const seenPauseUntil = new Map<string, number>();
  const sawPause = (upstream: string, ms: number) => {
    const until = Date.now() + ms;
    if (until > (seenPauseUntil.get(upstream) ?? 0)) seenPauseUntil.set(upstream, until);
  };
  const key = (kind: string, upstream: string) => `${prefix}:rate:{${upstream}}:${kind}`;

  return {
    async acquire(upstream, signal) {
      const intervalUs = Math.round(intervalFor(upstream, options) * 1000);
      const capacity = capacityFor(upstream, options);
      const limit = windowLimitFor(upstream, options);
      const windowUs = Math.round(windowMsFor(options) * 1000);
      /** true: granted; false: a pause began meanwhile (it was waited out): take a fresh token. */
      const grant = async (): Promise<boolean> => {
        for (;;) {
          const r = await redis.scoutGrant(key('log', upstream), key('pause', upstream), limit, windowUs);
          if (r === 0) return true;
          if (r < 0) {
            sawPause(upstream, Math.ceil(-r / 1000));
            await sleep(Math.ceil(-r / 1000), signal);
            return false;
          }
          await sleepUntil(performance.now() + r / 1000, signal);
        }
      };
      for (;;) {
        const waitUs = await redis.scoutReserve(key('bucket', upstream), key('pause', upstream), intervalUs, capacity);
        if (waitUs < 0) {
          sawPause(upstream, Math.ceil(-waitUs / 1000));
          await sleep(Math.ceil(-waitUs / 1000), signal); // a pause is in force: no token taken
          continue;
        }
        if (waitUs > 0) await sleepUntil(performance.now() + waitUs / 1000, signal);
        else if (signal?.aborted) throw signal.reason;
        // a pause set (by any worker) while this query waited for its token holds it too
        // (afterwards it takes a fresh token); then the window log, on the real grant time
        if (await grant()) return;
      }
    },
    reportRateLimited(upstream, retryAfterMs) {
      let backoff = backoffs.get(upstream);
      if (!backoff) backoffs.set(upstream, (backoff = createUpstreamBackoff(options.backoffMs)));
      const pause = backoff.onRateLimited(Date.now(), retryAfterMs);
      // NX inside: do not shorten a longer pause another worker set
      void redis
        .scoutPause(key('bucket', upstream), key('pause', upstream), Math.max(1, Math.ceil(pause)), Math.round(intervalFor(upstream, options) * 1000), capacityFor(upstream, options))
        .catch(() => {});
    },
    reportSuccess(upstream) {
      backoffs.get(upstream)?.onSuccess();
    },
    // this worker's own pauses and those of other workers it met in acquire (a pause another
    // worker set since this one last asked for that upstream is not known here)
    pausedForMs(upstream) {
      return Math.max(0, Math.max(backoffs.get(upstream)?.pausedUntil ?? 0, seenPauseUntil.get(upstream) ?? 0) - Date.now());
    },
  };
}
