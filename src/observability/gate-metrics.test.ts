import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalGate } from '../limits/local-gate.js';
import { instrumentGate } from './gate-metrics.js';
import { registry } from './metrics.js';

async function value(name: string, upstream: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values.find((v) => v.labels.upstream === upstream)?.value as number | undefined) ?? 0;
}

describe('instrumentGate', () => {
  it('counts the waits for a token, and logs and counts each rate-limit pause', async () => {
    const lines: Record<string, any>[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }));
    const upstream = `whois:test-${Math.random().toString(36).slice(2)}:43`;
    // 10 per second: the first query goes at once, the next ones wait ~100 ms each
    const gate = instrumentGate(createLocalGate({ dnsRate: 1000, whoisRate: 10, backoffMs: 50 }), logger);
    for (let i = 0; i < 3; i++) await gate.acquire(upstream);
    expect(await value('scout_rate_limit_waits_total', upstream)).toBeGreaterThanOrEqual(2);
    expect(await value('scout_rate_limit_wait_seconds_total', upstream)).toBeGreaterThan(0.1);

    gate.reportRateLimited(upstream, 200);
    expect(await value('scout_rate_limit_pauses_total', upstream)).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, upstream, retryAfterMs: 200, msg: `rate limited by ${upstream}: queries to it pause` });
    expect(lines[0].pauseMs).toBeGreaterThanOrEqual(190);
    expect(gate.pausedForMs(upstream)).toBeGreaterThan(0);
  });
});
