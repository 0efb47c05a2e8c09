/**
 * The cluster gate against a real Redis: two gate instances on two connections stand for two
 * workers sharing one budget. A unique key prefix per run; its keys are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow } from '../../test/helpers/rate-window.js';
import { createRedis } from '../infra/redis.js';
import { DNS_UPSTREAM, whoisUpstream, type QueryGate } from '../scan/rate-gate.js';
import { createClusterGate } from './cluster-gate.js';
import { intervalFor, type GateOptions } from './local-gate.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `t-cgate-${randomBytes(4).toString('hex')}`;
const options: GateOptions = { dnsRate: 20, whoisRate: 10, backoffMs: 10 };

let redisA: Redis;
let redisB: Redis;
let gateA: QueryGate;
let gateB: QueryGate;

beforeAll(async () => {
  redisA = createRedis(REDIS_URL, 'cgate-test-a');
  redisB = createRedis(REDIS_URL, 'cgate-test-b');
  await Promise.all([redisA.ping(), redisB.ping()]);
  gateA = createClusterGate(redisA, prefix, options);
  gateB = createClusterGate(redisB, prefix, options);
});

afterAll(async () => {
  if (redisA) {
    let cursor = '0';
    do {
      const [next, keys] = await redisA.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redisA.unlink(...keys);
    } while (cursor !== '0');
  }
  await Promise.all([redisA?.quit(), redisB?.quit()]);
});

/** `loops` callers per gate, each acquiring `upstream` back to back until `ms` have passed. */
async function hammer(gates: QueryGate[], upstream: string, loops: number, ms: number): Promise<number[][]> {
  const end = Date.now() + ms;
  return Promise.all(
    gates.map(async (gate) => {
      const times: number[] = [];
      await Promise.all(
        Array.from({ length: loops }, async () => {
          while (Date.now() < end) {
            await gate.acquire(upstream);
            if (Date.now() < end) times.push(Date.now());
          }
        }),
      );
      return times;
    }),
  );
}

describe('createClusterGate (two workers, one Redis)', () => {
  it('keeps the total of both workers within one budget in any 1-second window (no burst by default), and uses it', async () => {
    const duration = 2200;
    const [[dnsA, dnsB], [whoisA, whoisB]] = await Promise.all([
      hammer([gateA, gateB], DNS_UPSTREAM, 4, duration),
      hammer([gateA, gateB], whoisUpstream('whois.shared.test:43'), 3, duration),
    ]);
    const dns = [...dnsA, ...dnsB];
    const whois = [...whoisA, ...whoisB];
    const report = {
      dns: { a: dnsA.length, b: dnsB.length, maxPerWindow: maxInWindow(dns), budget: options.dnsRate },
      whois: { a: whoisA.length, b: whoisB.length, maxPerWindow: maxInWindow(whois), budget: options.whoisRate },
    };
    console.info('cluster gate hammer', JSON.stringify(report));
    // burst 0 (the default): never more than the rate in a window, from the first query on
    expect(report.dns.maxPerWindow).toBeLessThanOrEqual(options.dnsRate);
    expect(report.whois.maxPerWindow).toBeLessThanOrEqual(options.whoisRate);
    // not under-used: one token at once, then one per interval (2% over 1000 / rate)
    const expectedDns = 1 + duration / intervalFor('dns', options);
    expect(dns.length).toBeGreaterThanOrEqual(0.85 * expectedDns);
    expect(dns.length).toBeLessThanOrEqual(expectedDns + 1);
    // both workers got a share
    expect(Math.min(dnsA.length, dnsB.length)).toBeGreaterThanOrEqual(0.25 * dns.length);
    expect(Math.min(whoisA.length, whoisB.length)).toBeGreaterThanOrEqual(0.25 * whois.length);
  }, 15_000);

  it('budgets WHOIS per server: a busy server does not slow another', async () => {
    const busy = whoisUpstream('whois.busy.test:43');
    const idle = whoisUpstream('whois.idle.test:43');
    await gateA.acquire(busy); // the only token: the bucket holds one
    const started = Date.now();
    await gateB.acquire(idle);
    expect(Date.now() - started).toBeLessThan(50);
    await gateB.acquire(busy); // the busy server's bucket is empty: about one interval
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 / options.whoisRate - 10);
  });

  it("one worker's rate-limit report holds the other worker's queries to that upstream only", async () => {
    const upstream = whoisUpstream('whois.throttled.test:43');
    gateA.reportRateLimited(upstream, 600); // Retry-After 600 ms > backoff 10 ms
    await redisA.ping(); // the pause is written fire-and-forget; this orders it before B's read
    const started = Date.now();
    const [throttled, other] = await Promise.all([
      gateB.acquire(upstream).then(() => Date.now() - started),
      gateB.acquire(whoisUpstream('whois.other.test:43')).then(() => Date.now() - started),
    ]);
    expect(throttled).toBeGreaterThanOrEqual(550);
    expect(throttled).toBeLessThan(1500);
    expect(other).toBeLessThan(100);
  });

  it('a pause that starts while a query waits for its token holds that query too', async () => {
    const upstream = whoisUpstream('whois.late-pause.test:43');
    await gateB.acquire(upstream); // empty the bucket (it holds one token)
    const started = Date.now();
    const waiting = gateB.acquire(upstream).then(() => Date.now() - started); // token due in ~100 ms
    await new Promise((r) => setTimeout(r, 20));
    gateA.reportRateLimited(upstream, 800);
    expect(await waiting).toBeGreaterThanOrEqual(780);
  });

  it('after a pause, both workers resume at the steady rate, not in one burst of saved-up tokens', async () => {
    const upstream = whoisUpstream('whois.resume.test:43');
    await gateB.acquire(upstream); // the bucket is (nearly) full
    gateA.reportRateLimited(upstream, 300);
    await redisA.ping();
    const started = Date.now();
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? gateA : gateB).acquire(upstream).then(() => void done.push(Date.now() - started))),
    );
    done.sort((x, y) => x - y);
    const interval = intervalFor(upstream, options);
    expect(done[0]).toBeGreaterThanOrEqual(280);
    // one token per interval after the pause: 6 tokens span 5 intervals
    expect(done[5] - done[0]).toBeGreaterThanOrEqual(5 * interval - 15);
  });

  it('an abort signal rejects a waiting acquire', async () => {
    const upstream = whoisUpstream('whois.abort.test:43');
    gateA.reportRateLimited(upstream, 5000);
    await redisA.ping();
    const controller = new AbortController();
    const waiting = gateB.acquire(upstream, controller.signal);
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    const started = Date.now();
    await expect(waiting).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("pausedForMs: a worker knows its own pauses, and another worker's once it has met them", async () => {
    const upstream = whoisUpstream('whois.paused-for.test:43');
    expect(gateA.pausedForMs(upstream)).toBe(0);
    gateA.reportRateLimited(upstream, 3000);
    await redisA.ping();
    expect(gateA.pausedForMs(upstream)).toBeGreaterThan(2500);
    expect(gateB.pausedForMs(upstream)).toBe(0); // not asked yet: B cannot know
    const controller = new AbortController();
    const waiting = gateB.acquire(upstream, controller.signal).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(gateB.pausedForMs(upstream)).toBeGreaterThan(2000);
    expect(gateB.pausedForMs(upstream)).toBeLessThanOrEqual(3000);
    controller.abort(new Error('done'));
    await waiting;
  });

  it('honours a burst (SCOUT_WHOIS_BURST), even one larger than one second of budget', async () => {
    const gate = createClusterGate(redisA, `${prefix}:big-burst`, { ...options, whoisBurst: 3 * options.whoisRate - 1 });
    const started = Date.now();
    // three seconds of budget at once, then the steady rate
    await Promise.all(Array.from({ length: 3 * options.whoisRate }, () => gate.acquire(whoisUpstream('whois.burst.test:43'))));
    expect(Date.now() - started).toBeLessThan(200);
    await gate.acquire(whoisUpstream('whois.burst.test:43'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 / options.whoisRate - 10);
  });
});
