/**
 * Cluster-wide query gate (`SCOUT_RATE_SCOPE=cluster`): the same budgets shared by every worker
 * through Redis. A GCRA token bucket in one Lua script (atomic, Redis' own clock, so worker
 * clocks may drift), and backoff pauses stored in Redis so one worker's throttle signal holds
 * every worker back.
 */
import type { Redis, Result } from 'ioredis';
import type { QueryGate } from '../scan/rate-gate.js';
import { createUpstreamBackoff, type UpstreamBackoff } from './backoff-state.js';
import { rateFor, sleep, type GateOptions } from './local-gate.js';

// KEYS[1] = bucket key, KEYS[2] = pause key; ARGV[1] = interval (µs), ARGV[2] = burst.
// Returns the wait in µs before the reserved token is due (or the pause left).
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return -pause * 1000 end
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
tat = math.max(tat, now - burst * interval) + interval
-- keep the key until the bucket is full again (tat + burst intervals): then it is as good as absent
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now + burst * interval) / 1000))
return math.max(0, tat - now)
`;

// KEYS[1] = bucket key, KEYS[2] = pause key; ARGV[1] = pause (ms), ARGV[2] = interval (µs),
// ARGV[3] = burst. Starts the pause unless a longer one is in force (another worker's), and
// empties the bucket up to its end: no token accrues during the pause, so the queries it held
// resume at the steady rate instead of one burst. Returns the pause in force (ms).
const PAUSE_SCRIPT = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX')
local pause = redis.call('PTTL', KEYS[2])
if pause <= 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local hold = now + pause * 1000 - interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < hold then
  redis.call('SET', KEYS[1], tostring(hold), 'PX', math.ceil((hold - now + burst * interval) / 1000))
end
return pause
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    scoutReserve(bucket: string, pause: string, intervalUs: number, burst: number): Result<number, Context>;
    scoutPause(bucket: string, pause: string, pauseMs: number, intervalUs: number, burst: number): Result<number, Context>;
  }
}

export function createClusterGate(redis: Redis, prefix: string, options: GateOptions): QueryGate {
  redis.defineCommand('scoutReserve', { numberOfKeys: 2, lua: RESERVE_SCRIPT });
  redis.defineCommand('scoutPause', { numberOfKeys: 2, lua: PAUSE_SCRIPT });
  const burstOf = options.burst ?? ((rate: number) => Math.max(1, Math.floor(rate)));
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
      const rate = rateFor(upstream, options);
      for (;;) {
        const waitUs = await redis.scoutReserve(key('bucket', upstream), key('pause', upstream), Math.round(1e6 / rate), burstOf(rate));
        if (waitUs < 0) {
          sawPause(upstream, Math.ceil(-waitUs / 1000));
          await sleep(Math.ceil(-waitUs / 1000), signal); // a pause is in force: no token taken
          continue;
        }
        // a token due now: the script checked the pause atomically
        if (waitUs === 0) return sleep(0, signal);
        await sleep(Math.ceil(waitUs / 1000), signal);
        // a pause set (by any worker) while this query waited for its token holds it too;
        // afterwards it takes a fresh token
        const pause = await redis.pttl(key('pause', upstream));
        if (pause <= 0) return;
        sawPause(upstream, pause);
        await sleep(pause, signal);
      }
    },
    reportRateLimited(upstream, retryAfterMs) {
      let backoff = backoffs.get(upstream);
      if (!backoff) backoffs.set(upstream, (backoff = createUpstreamBackoff(options.backoffMs)));
      const pause = backoff.onRateLimited(Date.now(), retryAfterMs);
      const rate = rateFor(upstream, options);
      // NX inside: do not shorten a longer pause another worker set
      void redis
        .scoutPause(key('bucket', upstream), key('pause', upstream), Math.max(1, Math.ceil(pause)), Math.round(1e6 / rate), burstOf(rate))
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
