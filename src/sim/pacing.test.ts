import { describe, expect, test } from 'vitest';
import { createLatency, createRandom, createRateWindow } from './pacing.js';
import { parseLatencySpec, parseRateLimitSpec } from './sim.cli.js';

describe('createRateWindow', () => {
  test('rejects queries beyond the limit within one second and recovers after it slides', () => {
    let now = 10_000;
    const window = createRateWindow(3, () => now);
    expect([window.hit(), window.hit(), window.hit(), window.hit()]).toEqual([false, false, false, true]);
    now += 999;
    expect(window.hit()).toBe(true);
    now += 1000;
    expect([window.hit(), window.hit()]).toEqual([false, false]);
  });

  test('no limit never rejects', () => {
    const window = createRateWindow(undefined);
    expect(Array.from({ length: 1000 }, () => window.hit()).some(Boolean)).toBe(false);
  });
});

describe('createLatency', () => {
  test('the same seed gives the same delays, within the range', () => {
    const a = createLatency([5, 50], createRandom(42));
    const b = createLatency([5, 50], createRandom(42));
    const delays = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(delays);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...delays)).toBeLessThanOrEqual(50);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });
});

describe('sim cli specs', () => {
  test('latency and rate-limit specs parse per server', () => {
    expect(parseLatencySpec('dns=5-50, whois=100-600,rdap=20')).toEqual({ dns: [5, 50], whois: [100, 600], rdap: [20, 20] });
    expect(parseRateLimitSpec('dns=100,whois=5')).toEqual({ dnsPerSecond: 100, whoisPerSecond: 5 });
    expect(() => parseLatencySpec('smtp=5')).toThrow(/unknown server/);
  });
});
