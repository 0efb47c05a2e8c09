import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.js';

/** A fake clock: `clock.now` for the bucket, `clock.t` to move time. */
function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Send-time of each of `n` reservations made at once (now + wait). */
const reserveMany = (bucket: { reserve(): number }, now: number, n: number) => Array.from({ length: n }, () => now + bucket.reserve());

describe('createTokenBucket', () => {
  it('lets a full burst through at once, then one token per interval', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 10, capacity: 5, now: clock.now });
    const waits = Array.from({ length: 8 }, () => bucket.reserve());
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits.slice(5)).toEqual([100, 200, 300]);
  });

  it('serves waiters first come first served at the steady rate', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 4, capacity: 1, now: clock.now });
    const sendTimes = reserveMany(bucket, clock.t, 9);
    const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i]);
    expect(gaps).toEqual(Array(8).fill(250));
  });

  it('holds the steady rate for a caller that reserves as soon as its token is due', () => {
    const clock = fakeClock();
    const rate = 20;
    const bucket = createTokenBucket({ intervalMs: 1000 / rate, capacity: rate, now: clock.now });
    const sent: number[] = [];
    // 5 seconds of a greedy caller: take a token, wait what the bucket says, repeat
    const end = clock.t + 5000;
    while (clock.t < end) {
      clock.t += bucket.reserve();
      if (clock.t < end) sent.push(clock.t);
    }
    // the burst at the start, then exactly one token every 50 ms
    expect(sent.filter((t) => t === sent[0]).length).toBe(rate);
    expect(sent.length).toBe(rate + Math.floor(5000 / 50) - 1);
    // any 1-second window: at most burst + rate
    for (let i = 0; i < sent.length; i++) {
      expect(sent.filter((t) => t >= sent[i] && t < sent[i] + 1000).length).toBeLessThanOrEqual(2 * rate);
    }
    // after the first second, any 1-second window holds at most `rate`
    const steady = sent.filter((t) => t >= sent[0] + 1000);
    for (const start of steady) expect(steady.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(rate);
  });

  it('does not bank tokens beyond the burst while idle', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 10, capacity: 3, now: clock.now });
    clock.t += 60_000; // a minute idle would be 600 tokens without the cap
    expect(Array.from({ length: 5 }, () => bucket.reserve())).toEqual([0, 0, 0, 100, 200]);
  });

  it('refills partly: after half the refill time, half the burst is back', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 10, capacity: 4, now: clock.now });
    expect(reserveMany(bucket, 0, 4)).toEqual([0, 0, 0, 0]);
    clock.t += 200; // two tokens back
    expect(Array.from({ length: 3 }, () => bucket.reserve())).toEqual([0, 0, 100]);
  });

  it('future reservations count: a caller that reserved ahead keeps later callers waiting', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 10, capacity: 1, now: clock.now });
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(100);
    expect(bucket.reserve()).toBe(200);
    clock.t += 150;
    expect(bucket.reserve()).toBe(150); // due at +300, 150 ms from now
  });

  it('hold(ms): no token accrues during a pause; the first is due when it ends, then the steady rate', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ intervalMs: 1000 / 10, capacity: 10, now: clock.now }); // full: 10 tokens at once
    bucket.hold(1000);
    expect(reserveMany(bucket, 0, 4)).toEqual([1000, 1100, 1200, 1300]);
    // a hold shorter than the reservations already made changes nothing
    bucket.hold(50);
    expect(bucket.reserve()).toBe(1400);
  });

  it('defaults to a capacity of one token: strictly spaced, no burst', () => {
    const clock = fakeClock();
    const fast = createTokenBucket({ intervalMs: 1000 / 5, now: clock.now });
    expect(Array.from({ length: 6 }, () => fast.reserve())).toEqual([0, 200, 400, 600, 800, 1000]);
    const slow = createTokenBucket({ intervalMs: 1000 / 0.5, now: clock.now });
    expect([slow.reserve(), slow.reserve()]).toEqual([0, 2000]);
  });

  it('capacity 1: a greedy caller never gets more than `rate` tokens into a 1-second window', () => {
    const clock = fakeClock();
    const rate = 10;
    const bucket = createTokenBucket({ intervalMs: 1000 / rate, now: clock.now });
    const sent: number[] = [];
    const end = clock.t + 5000;
    while (clock.t < end) {
      clock.t += bucket.reserve();
      sent.push(clock.t);
    }
    for (const start of sent) expect(sent.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(rate);
    expect(sent.length).toBeGreaterThanOrEqual(5 * rate);
  });
});
