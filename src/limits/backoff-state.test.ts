import { describe, expect, it } from 'vitest';
import { createUpstreamBackoff } from './backoff-state.js';

// random() = 1 gives the top of the jitter range (the full delay), 0 the bottom (half of it)
const top = () => 1;
const bottom = () => 0;

describe('createUpstreamBackoff', () => {
  it('starts unpaused', () => {
    expect(createUpstreamBackoff(100).pausedUntil).toBe(0);
  });

  it('doubles the pause for each signal that arrives after the previous pause ended', () => {
    const backoff = createUpstreamBackoff(100, 60_000, top);
    let now = 10_000;
    const pauses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const pause = backoff.onRateLimited(now);
      pauses.push(pause);
      expect(backoff.pausedUntil).toBe(now + pause);
      now = backoff.pausedUntil; // the next signal comes right after the pause
    }
    expect(pauses).toEqual([100, 200, 400, 800, 1600]);
  });

  it('jitters within [delay/2, delay]', () => {
    const low = createUpstreamBackoff(100, 60_000, bottom);
    expect(low.onRateLimited(0)).toBe(50);
    expect(low.onRateLimited(50)).toBe(100);
    const values = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const pause = createUpstreamBackoff(400).onRateLimited(0);
      expect(pause).toBeGreaterThanOrEqual(200);
      expect(pause).toBeLessThanOrEqual(400);
      values.add(pause);
    }
    expect(values.size).toBeGreaterThan(5);
  });

  it('does not escalate on signals during a pause (they come from queries sent before it)', () => {
    const backoff = createUpstreamBackoff(100, 60_000, top);
    expect(backoff.onRateLimited(1000)).toBe(100);
    // ten more replies to queries already in flight
    for (let i = 1; i <= 10; i++) expect(backoff.onRateLimited(1000 + i)).toBe(100 - i);
    expect(backoff.pausedUntil).toBe(1100);
    // the first signal after the pause is the second level, not the twelfth
    expect(backoff.onRateLimited(1100)).toBe(200);
  });

  it('respects Retry-After when it is longer than the backoff, and the backoff when it is longer', () => {
    const backoff = createUpstreamBackoff(100, 60_000, top);
    expect(backoff.onRateLimited(0, 3000)).toBe(3000);
    expect(backoff.pausedUntil).toBe(3000);
    // level 2 = 200 ms > Retry-After 50 ms
    expect(backoff.onRateLimited(3000, 50)).toBe(200);
  });

  it('caps the pause at maxMs (Retry-After may exceed it)', () => {
    const backoff = createUpstreamBackoff(1000, 5000, top);
    let now = 0;
    const pauses: number[] = [];
    for (let i = 0; i < 6; i++) {
      pauses.push(backoff.onRateLimited(now));
      now = backoff.pausedUntil;
    }
    expect(pauses).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(backoff.onRateLimited(now, 9000)).toBe(9000);
  });

  it('decays one level per success', () => {
    const backoff = createUpstreamBackoff(100, 60_000, top);
    let now = 0;
    for (let i = 0; i < 3; i++) {
      backoff.onRateLimited(now);
      now = backoff.pausedUntil;
    }
    // level 3; one success -> level 2, so the next signal is level 3 again (400 ms), not 800
    backoff.onSuccess();
    expect(backoff.onRateLimited(now)).toBe(400);
    now = backoff.pausedUntil;
    // enough successes bring it back to the base, and no lower
    for (let i = 0; i < 10; i++) backoff.onSuccess();
    expect(backoff.onRateLimited(now)).toBe(100);
  });

  it('treats a zero base as a minimal pause, never zero', () => {
    const backoff = createUpstreamBackoff(0, 60_000, bottom);
    expect(backoff.onRateLimited(0)).toBeGreaterThanOrEqual(1);
  });

  it('forgives one level per calm stretch as long as the current delay', () => {
    const backoff = createUpstreamBackoff(100, 30_000, () => 1);
    expect(backoff.onRateLimited(0)).toBe(100); // level 1, paused until 100
    expect(backoff.onRateLimited(100)).toBe(200); // level 2, until 300
    expect(backoff.onRateLimited(300)).toBe(400); // level 3, until 700
    // 400 ms of calm forgive level 3, then 200 ms level 2: back to level 1, then + 1
    expect(backoff.onRateLimited(700 + 400 + 200)).toBe(200);
    // a long calm forgives everything
    expect(backoff.onRateLimited(60_000)).toBe(100);
  });
});
