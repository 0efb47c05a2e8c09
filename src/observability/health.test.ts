import { describe, expect, it } from 'vitest';
import { checkReadiness, publicReason, runChecks } from './health.js';

const failing = (message: string, code?: string) => async () => {
  throw Object.assign(new Error(message), code ? { code } : {});
};

describe('readiness answers', () => {
  it('names the failing dependency and the error code, never the driver message (hosts, users)', async () => {
    const answer = await checkReadiness({ database: failing('password authentication failed for user "scout"', '28P01'), redis: failing('connect ECONNREFUSED 10.1.2.3:6379', 'ECONNREFUSED') });
    expect(answer).toEqual({ status: 503, body: { detail: 'Redis unavailable: connection failed (ECONNREFUSED)' } });
    const db = await checkReadiness({ database: failing('password authentication failed for user "scout"', '28P01'), redis: async () => 'PONG' });
    expect(db).toEqual({ status: 503, body: { detail: 'Database unavailable: connection failed (28P01)' } });
  });

  it('a check that never answers is a timeout within the bound; one without a code says only that it failed', async () => {
    const started = performance.now();
    const results = await runChecks({ redis: () => new Promise(() => {}), database: failing('/var/run/postgresql/.s.PGSQL.5432: no such file') }, 50);
    expect(performance.now() - started).toBeLessThan(500);
    expect(results).toEqual([
      ['redis', 'no answer within 50 ms'],
      ['database', 'the check failed'],
    ]);
  });

  it('a code that is not a plain identifier is not echoed', () => {
    expect(publicReason(Object.assign(new Error('x'), { code: 'host 10.0.0.1 refused' }))).toBe('the check failed');
    expect(publicReason('a string')).toBe('the check failed');
  });

  it('all passing: 200 with every check true', async () => {
    expect(await checkReadiness({ redis: async () => 'PONG', database: async () => 1 })).toEqual({ status: 200, body: { status: 'ready', checks: { redis: true, database: true } } });
  });
});
