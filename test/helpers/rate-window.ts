/** Query-rate checks over logs of timestamps (ms). */

/**
 * The largest number of timestamps inside any sliding window of `windowMs` (half-open:
 * `[t, t + windowMs)`). Two pointers over the sorted times: O(n) for sorted input (sim logs
 * are), O(n log n) otherwise.
 */
export function maxInWindow(timestamps: readonly number[], windowMs = 1000): number {
  let sorted = true;
  for (let i = 1; i < timestamps.length && sorted; i++) sorted = timestamps[i - 1] <= timestamps[i];
  const t = sorted ? timestamps : [...timestamps].sort((a, b) => a - b);
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= windowMs) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

/** Events per second between the first and the last timestamp (0 for fewer than two). */
export function averageRate(timestamps: readonly number[]): number {
  if (timestamps.length < 2) return 0;
  const span = Math.max(...timestamps) - Math.min(...timestamps);
  return span > 0 ? ((timestamps.length - 1) * 1000) / span : Infinity;
}
