/** Quotas against the real Redis (a per-run key prefix): two services = two API processes. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from './input.errors.js';
import { createQuotaService, QuotaError, type QuotaOptions } from './quota.service.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.unlink(...keys);
  }
  await redis.quit();
});

function services(options: Partial<QuotaOptions>, running = new Set<string>()) {
  const prefix = `t-quota-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  const full = { jobsPerMinute: 0, domainsPerHour: 0, runningJobs: 0, ...options };
  const make = () => createQuotaService({ redis, prefix, options: full, isRunning: async (id) => running.has(id) });
  return [make(), make()] as const;
}

async function refusal(promise: Promise<unknown>): Promise<QuotaError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(QuotaError);
  return error as QuotaError;
}

describe('quota service', () => {
  it('counts job creations per minute across API processes, with a Retry-After', async () => {
    const [a, b] = services({ jobsPerMinute: 3 });
    await a.admitJob('key:alice', 'j1', 10);
    await b.admitJob('key:alice', 'j2', 10);
    await a.admitJob('key:alice', 'j3', 10);
    const refused = await refusal(b.admitJob('key:alice', 'j4', 10));
    expect(refused.quota).toBe('jobs_per_minute');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.message).toMatch(/SCOUT_QUOTA_JOBS_PER_MINUTE/);
    // another caller has its own budget
    await b.admitJob('key:bob', 'j5', 10);
  });

  it('counts domains per hour; a refused job uses up nothing; a job larger than the quota is bad input', async () => {
    const [a] = services({ domainsPerHour: 100 });
    await a.admitJob('ip:10.0.0.1', 'j1', 60);
    const refused = await refusal(a.admitJob('ip:10.0.0.1', 'j2', 50));
    expect(refused.quota).toBe('domains_per_hour');
    expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
    await a.admitJob('ip:10.0.0.1', 'j3', 40); // the refused 50 were given back
    await refusal(a.admitScan('ip:10.0.0.1'));
    await expect(a.admitJob('ip:10.0.0.2', 'j4', 101)).rejects.toBeInstanceOf(InputError);
  });

  it('holds running jobs at once, and frees a slot when a job finishes', async () => {
    const running = new Set(['j1', 'j2']);
    const [a, b] = services({ runningJobs: 2 }, running);
    await a.admitJob('key:alice', 'j1', 1);
    await b.admitJob('key:alice', 'j2', 1);
    const refused = await refusal(a.admitJob('key:alice', 'j3', 1));
    expect(refused.quota).toBe('running_jobs');
    running.delete('j1');
    running.add('j3');
    await b.admitJob('key:alice', 'j3', 1);
  });

  it('a ticket released (the job was not created) gives everything back', async () => {
    const [a] = services({ runningJobs: 1, jobsPerMinute: 1, domainsPerHour: 10 }, new Set(['j1', 'j2']));
    const ticket = await a.admitJob('key:alice', 'j1', 10);
    await ticket.release();
    await a.admitJob('key:alice', 'j2', 10);
  });

  it('concurrent admissions never exceed the running quota', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const [a, b] = services({ runningJobs: 5 }, new Set(ids));
    const results = await Promise.allSettled(ids.map((id, i) => (i % 2 ? a : b).admitJob('key:alice', id, 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
  });

  it('0 turns each quota off', async () => {
    const [a] = services({});
    for (let i = 0; i < 30; i++) await a.admitJob('key:alice', `j${i}`, 1_000_000);
  });
});
