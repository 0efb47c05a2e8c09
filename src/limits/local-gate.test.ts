import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DNS_UPSTREAM, whoisUpstream, type QueryGate } from '../scan/rate-gate.js';
import { createLocalGate, rateFor } from './local-gate.js';

// Fake timers fake Date, performance and setTimeout: the gate's clocks and sleeps move together.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Start `n` acquisitions of `upstream` now; returns the times (ms after start) they resolve. */
function acquireMany(gate: QueryGate, upstream: string, n: number, signal?: AbortSignal) {
  const start = Date.now();
  const times: number[] = [];
  const done = Promise.all(Array.from({ length: n }, () => gate.acquire(upstream, signal).then(() => void times.push(Date.now() - start))));
  return { times, done };
}

const A = whoisUpstream('whois.a.test:43');

/** The busiest half-open 1-second window of a list of times (ms). */
const maxPerSecond = (times: number[]) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
const B = whoisUpstream('whois.b.test:43');

describe('createLocalGate', () => {
  it('spaces acquisitions by the budget of the upstream: DNS rate for dns, WHOIS rate for each WHOIS server', async () => {
    const gate = createLocalGate({ dnsRate: 10, whoisRate: 4, backoffMs: 10, dnsBurst: 1, whoisBurst: 1, spacingMargin: 0 });
    const dns = acquireMany(gate, DNS_UPSTREAM, 5);
    const a = acquireMany(gate, A, 4);
    const b = acquireMany(gate, B, 3);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([dns.done, a.done, b.done]);
    expect(dns.times).toEqual([0, 0, 100, 200, 300]);
    // each WHOIS server has its own bucket: B is not slowed by A's queue
    expect(a.times).toEqual([0, 0, 250, 500]);
    expect(b.times).toEqual([0, 0, 250]);
  });

  it('by default there is no burst: tokens spaced 2% wider than 1000 / rate, so no 1-second window holds more than the rate', async () => {
    const gate = createLocalGate({ dnsRate: 5, whoisRate: 2, backoffMs: 10 });
    const dns = acquireMany(gate, DNS_UPSTREAM, 7);
    const a = acquireMany(gate, A, 3);
    await vi.advanceTimersByTimeAsync(1500);
    await Promise.all([dns.done, a.done]);
    expect(dns.times).toEqual([0, 204, 408, 612, 816, 1020, 1224]);
    expect(a.times).toEqual([0, 510, 1020]);
    expect(maxPerSecond(dns.times)).toBe(5);
    expect(maxPerSecond(a.times)).toBe(2);
    expect(rateFor('dns', { dnsRate: 5, whoisRate: 2, backoffMs: 1 })).toBe(5);
    expect(rateFor(A, { dnsRate: 5, whoisRate: 2, backoffMs: 1 })).toBe(2);
  });

  it('a burst lets that many queries more into one window, never more', async () => {
    const gate = createLocalGate({ dnsRate: 10, whoisRate: 4, backoffMs: 10, dnsBurst: 3, whoisBurst: 0 });
    const dns = acquireMany(gate, DNS_UPSTREAM, 30);
    const a = acquireMany(gate, A, 10);
    await vi.advanceTimersByTimeAsync(4000);
    await Promise.all([dns.done, a.done]);
    expect(dns.times.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(maxPerSecond(dns.times)).toBe(10 + 3);
    expect(maxPerSecond(a.times)).toBe(4);
  });

  it('a reported rate limit pauses acquisitions to that upstream only', async () => {
    const gate = createLocalGate({ dnsRate: 100, whoisRate: 100, backoffMs: 10, dnsBurst: 99, whoisBurst: 99, spacingMargin: 0 });
    gate.reportRateLimited(A, 1000); // Retry-After 1 s > backoff 10 ms
    const a = acquireMany(gate, A, 3);
    const b = acquireMany(gate, B, 3);
    const dns = acquireMany(gate, DNS_UPSTREAM, 3);
    await vi.advanceTimersByTimeAsync(999);
    expect(a.times).toEqual([]);
    expect(b.times).toEqual([0, 0, 0]);
    expect(dns.times).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(100);
    await a.done;
    // from the end of the pause at the steady rate (100/s)
    expect(a.times).toEqual([1000, 1010, 1020]);
  });

  it('a pause that starts while a query waits for its token holds that query too', async () => {
    const gate = createLocalGate({ dnsRate: 10, whoisRate: 10, backoffMs: 10, spacingMargin: 0 });
    const a = acquireMany(gate, A, 3); // tokens due at 0, 100, 200
    await vi.advanceTimersByTimeAsync(50);
    expect(a.times).toEqual([0]);
    gate.reportRateLimited(A, 1000); // at +50: pause until +1050
    await vi.advanceTimersByTimeAsync(2000);
    await a.done;
    expect(a.times[1]).toBeGreaterThanOrEqual(1050);
    expect(a.times[2]).toBeGreaterThanOrEqual(a.times[1]);
    // and the bucket still spaces them after the pause (burst 1: one per 100 ms)
    expect(a.times[2] - a.times[1]).toBeGreaterThanOrEqual(100);
  });

  it('after a pause, held queries resume at the steady rate, not in one burst of saved-up tokens', async () => {
    const gate = createLocalGate({ dnsRate: 10, whoisRate: 10, backoffMs: 10, whoisBurst: 9, spacingMargin: 0 }); // 10 tokens when full
    await gate.acquire(A); // the bucket exists and is (nearly) full
    gate.reportRateLimited(A, 1000);
    const a = acquireMany(gate, A, 5);
    await vi.advanceTimersByTimeAsync(3000);
    await a.done;
    expect(a.times).toEqual([1000, 1100, 1200, 1300, 1400]);
    // another upstream's bucket is untouched
    const b = acquireMany(gate, B, 5);
    await vi.advanceTimersByTimeAsync(0);
    await b.done;
    expect(b.times).toEqual([0, 0, 0, 0, 0]);
  });

  it('escalates the pause per signal after the previous pause, and success decays it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // jitter at the top: pause = full delay
    const gate = createLocalGate({ dnsRate: 1000, whoisRate: 1000, backoffMs: 100, spacingMargin: 0 });
    // how long an acquire started now waits; afterwards the clock stands at the pause's end
    // (no calm in between, which would forgive levels)
    const pausedFor = async () => {
      const start = Date.now();
      let resolvedAt = -1;
      const p = gate.acquire(A).then(() => void (resolvedAt = Date.now()));
      while (resolvedAt < 0) await vi.advanceTimersByTimeAsync(10);
      await p;
      return resolvedAt - start;
    };
    gate.reportRateLimited(A);
    gate.reportRateLimited(A); // during the pause: no escalation
    expect(await pausedFor()).toBe(100);
    gate.reportRateLimited(A);
    expect(await pausedFor()).toBe(200);
    gate.reportRateLimited(A);
    expect(await pausedFor()).toBe(400);
    gate.reportSuccess(A);
    gate.reportSuccess(A);
    gate.reportRateLimited(A); // level 3 - 2 + 1 = 2
    expect(await pausedFor()).toBe(200);
  });

  it('an abort signal rejects an acquire waiting for a token, and one waiting out a pause', async () => {
    const gate = createLocalGate({ dnsRate: 1, whoisRate: 1, backoffMs: 10, spacingMargin: 0 });
    await gate.acquire(DNS_UPSTREAM); // the only token
    const controller = new AbortController();
    const waiting = gate.acquire(DNS_UPSTREAM, controller.signal);
    const settled = vi.fn();
    waiting.then(settled, settled);
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).not.toHaveBeenCalled();
    controller.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');

    gate.reportRateLimited(A, 5000);
    const pauseController = new AbortController();
    const paused = gate.acquire(A, pauseController.signal);
    paused.catch(() => {});
    await vi.advanceTimersByTimeAsync(100);
    pauseController.abort(new Error('stop'));
    await expect(paused).rejects.toThrow('stop');

    // an already aborted signal rejects at once, even when a token is free
    await expect(gate.acquire(B, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
