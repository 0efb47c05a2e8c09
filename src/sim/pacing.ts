/**
 * How fast a server answers: seeded random latency, a sliding-window rate limit, and the
 * pending reply timers (cleared on close so a test process exits at once).
 */
import type { SimLatencyRange } from './sim.types.js';

/** Default seed: runs are reproducible unless the caller asks otherwise. */
export const DEFAULT_SEED = 0x5eed;

/** mulberry32: a tiny, fast, seedable PRNG with good enough spread for jitter. Returns [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Delay sampler for one server: 0 when no range is set, else uniform in `[min, max]` ms (integers). */
export function createLatency(range: SimLatencyRange | undefined, random: () => number): () => number {
  if (!range) return () => 0;
  const [min, max] = range;
  if (!(min >= 0 && max >= min)) throw new Error(`invalid latency range [${min}, ${max}]`);
  return () => Math.round(min + random() * (max - min));
}

/**
 * Sliding 1-second window over received queries. `hit()` records a query and says whether it is
 * over the limit, i.e. whether more than `perSecond` queries arrived in the last 1000 ms counting
 * this one. Keeps only the last `perSecond` arrival times in a ring: O(1) per query.
 */
export function createRateWindow(perSecond: number | undefined, now: () => number = Date.now) {
  if (perSecond === undefined) return { hit: () => false, reset: () => {} };
  if (!Number.isInteger(perSecond) || perSecond < 1) throw new Error(`rate limit must be an integer >= 1, got ${perSecond}`);
  let ring = new Array<number>(perSecond).fill(-Infinity);
  let next = 0;
  return {
    hit(): boolean {
      const t = now();
      // ring[next] is the arrival time of the query `perSecond` queries ago.
      const over = ring[next] > t - 1000;
      ring[next] = t;
      next = (next + 1) % perSecond;
      return over;
    },
    reset(): void {
      ring = new Array<number>(perSecond).fill(-Infinity);
      next = 0;
    },
  };
}

/** A server's rate window. */
export type RateWindow = ReturnType<typeof createRateWindow>;

/** Run callbacks after a delay; `clear()` drops every pending one (server closing). */
export function createTimerSet() {
  const pending = new Set<NodeJS.Timeout>();
  return {
    /** Run `fn` after `ms` (synchronously when 0, which keeps unpaced runs fast). */
    later(ms: number, fn: () => void): void {
      if (ms <= 0) return fn();
      const timer = setTimeout(() => {
        pending.delete(timer);
        fn();
      }, ms);
      pending.add(timer);
    },
    clear(): void {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}

/** Pending replies of a server. */
export type TimerSet = ReturnType<typeof createTimerSet>;

/** Pacing of one server: latency sampler and rate window. */
export interface ServerPacing {
  delay: () => number;
  rate: RateWindow;
}

/** Seed of one protocol, derived from the simulator seed so each server has its own stream. */
export function protoSeed(seed: number, proto: 'dns' | 'whois' | 'rdap'): number {
  const salt = proto === 'dns' ? 0x9e3779b9 : proto === 'whois' ? 0x85ebca6b : 0xc2b2ae35;
  return (seed ^ salt) >>> 0;
}
