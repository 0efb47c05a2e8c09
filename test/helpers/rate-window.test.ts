import { describe, expect, it } from 'vitest';
import { averageRate, maxInWindow } from './rate-window.js';

describe('maxInWindow', () => {
  it('counts the busiest half-open window', () => {
    expect(maxInWindow([])).toBe(0);
    expect(maxInWindow([5])).toBe(1);
    // 0 and 999 share a window, 0 and 1000 do not
    expect(maxInWindow([0, 999])).toBe(2);
    expect(maxInWindow([0, 1000])).toBe(1);
    expect(maxInWindow([0, 100, 200, 1100, 1150, 1190, 1199])).toBe(5); // 200..1199
    expect(maxInWindow([0, 0, 0, 500, 2000])).toBe(4);
  });

  it('sorts unsorted input (merged logs) and honours the window size', () => {
    expect(maxInWindow([1199, 0, 1150, 200, 100, 1190, 1100])).toBe(5);
    expect(maxInWindow([0, 10, 20, 30, 40], 25)).toBe(3);
  });

  it('matches a brute-force count on random data', () => {
    const times = Array.from({ length: 400 }, () => Math.floor(Math.random() * 5000)).sort((a, b) => a - b);
    let brute = 0;
    for (const start of times) brute = Math.max(brute, times.filter((t) => t >= start && t < start + 1000).length);
    expect(maxInWindow(times)).toBe(brute);
  });
});

describe('averageRate', () => {
  it('is events per second over the span', () => {
    expect(averageRate([0])).toBe(0);
    expect(averageRate([0, 500, 1000])).toBe(2);
  });
});
