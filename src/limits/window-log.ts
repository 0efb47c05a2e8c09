/**
 * The last `limit` grant times of one upstream, to hold a hard promise: no window of `windowMs`
 * holds more than `limit` grants, counted on the times tokens were actually let out. The token
 * bucket schedules tokens; a timer that fires late (a busy event loop) lets the tokens due
 * meanwhile out together, and only this log, kept on real times, stops that catch-up from
 * crowding one window.
 */
export interface WindowLog {
  /** 0: a grant is allowed now and was recorded; otherwise the ms to wait before asking again. */
  tryGrant(now: number): number;
}

export function createWindowLog(limit: number, windowMs: number): WindowLog {
  const size = Math.max(1, Math.floor(limit));
  const times = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  let next = 0; // index of the oldest grant (ring)
  return {
    tryGrant(now) {
      const oldest = times[next];
      const wait = oldest + windowMs - now;
      if (wait > 0) return wait;
      times[next] = now;
      next = (next + 1) % size;
      return 0;
    },
  };
}
