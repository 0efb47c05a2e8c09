/**
 * Ending a job early: `cancelBulkScan` (status `cancelled`) and the job timeout (status
 * `failed`, `job_timeout`; applied by a worker on time, or lazily on read when no worker runs).
 * Either way the remaining work is cancelled and the finished results are kept. And finished
 * job state expires from Redis after SCOUT_JOB_TTL_S.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import type { Lead } from '../src/scan/scan.types.js';
import { loadCorpus } from './helpers/corpus.js';
import { readSse } from './helpers/sse.js';
import { cleanupPrefix, get, gql, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const corpus = loadCorpus();
const cases = generateCases(corpus, 80);
const domains = cases.map((c) => c.domain);
const SLOW = { dns: [2, 10] as [number, number], whois: [200, 400] as [number, number], rdap: [200, 400] as [number, number] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const queries = (sim: Simulator) => {
  const s = sim.stats();
  return s.dns.total + s.whois.total + s.rdap.total;
};
const mxQueried = (sim: Simulator) => new Set(sim.log().filter((e) => e.proto === 'dns' && e.type === 'MX').map((e) => e.name));

const JOB_FIELDS = 'id status progress total processed succeeded failed finishedAt error { code message }';

async function startJob(stack: Stack, list: string[]): Promise<string> {
  const r = await gql(stack.app, `mutation($d: [String!]!) { startBulkScan(domains: $d) { total job { id status } } }`, { d: list });
  expect(r.errors).toBeUndefined();
  expect(r.data.startBulkScan.total).toBe(list.length);
  return r.data.startBulkScan.job.id;
}

const restStatus = async (stack: Stack, id: string) => {
  const r = await get(stack.app, `/scan/bulk/${id}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, any>;
};

async function expectResultsKept(stack: Stack, id: string, succeeded: number) {
  const r = await get(stack.app, `/scan/bulk/${id}/results`);
  expect(r.status).toBe(200);
  const body = (await r.json()) as { results: Lead[]; succeeded: number; total: number };
  expect(body.succeeded).toBe(succeeded);
  expect(body.results.length).toBe(succeeded);
  const names = body.results.map((l) => l.domain);
  expect(new Set(names).size).toBe(names.length);
  // in submission order
  expect(names).toEqual(domains.filter((d) => names.includes(d)));
  return names;
}

function redisKeysOf(stack: Stack, id: string): string[] {
  const k = stack.runtime.store.keys(id);
  return [k.meta, k.done, k.results, k.errors, k.domains];
}

describe('cancelBulkScan', () => {
  let sim: Simulator;
  let stack: Stack;
  const prefix = uniquePrefix('cancel');

  beforeAll(async () => {
    sim = await startSimulator({ cases, latency: SLOW });
    stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '2' } });
  });
  afterAll(async () => {
    if (stack) await cleanupPrefix(stack.runtime, prefix);
    await stack?.close();
    await sim?.close();
  });

  it('ends the job `cancelled`, keeps the finished results, stops the counters, drains the rest as no-ops', async () => {
    const id = await startJob(stack, domains);
    await waitFor(async () => (await restStatus(stack, id)).processed >= 3, 15_000, 50);

    const c = await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { ${JOB_FIELDS} } }`, { id });
    expect(c.errors).toBeUndefined();
    const cancelled = c.data.cancelBulkScan;
    expect(cancelled).toMatchObject({ id, status: 'cancelled', total: 80, error: { code: 'job_cancelled' } });
    expect(cancelled.finishedAt).toBeTruthy();
    expect(cancelled.processed).toBeGreaterThanOrEqual(3);
    expect(cancelled.processed).toBeLessThan(80);
    expect(cancelled.succeeded + cancelled.failed).toBe(cancelled.processed);

    // cancelling again is a no-op that returns the same final state
    const again = await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { ${JOB_FIELDS} } }`, { id });
    expect(again.data.cancelBulkScan).toEqual(cancelled);

    // the units in flight finish, yet are not counted; the queued ones drain without a query
    await waitFor(async () => {
      const counts = await stack.runtime.queues.domainQueue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 10_000, 50);
    const queriesAfterDrain = queries(sim);
    await sleep(1000);
    expect(queries(sim)).toBe(queriesAfterDrain);
    // only the counted domains and those in flight at the cancel (at most SCOUT_CONCURRENCY) were scanned
    expect(mxQueried(sim).size).toBeLessThanOrEqual(cancelled.processed + 2);

    const later = await restStatus(stack, id);
    expect(later).toMatchObject({
      status: 'cancelled',
      processed: cancelled.processed,
      succeeded: cancelled.succeeded,
      failed: cancelled.failed,
      progress: cancelled.progress,
      finished_at: cancelled.finishedAt,
      error: { code: 'job_cancelled' },
    });
    expect(later.errors.length).toBe(cancelled.failed);
    await expectResultsKept(stack, id, cancelled.succeeded);

    // GraphQL shows the same kept results
    const q = await gql(stack.app, `query($id: ID!) { bulkScan(id: $id) { status results(first: 1000) { items { domain } } } }`, { id });
    expect(q.data.bulkScan.status).toBe('cancelled');
    expect(q.data.bulkScan.results.items.length).toBe(cancelled.succeeded);

    // a finished job's state expires after the TTL (default 7 days here)
    for (const key of await redisKeysOf(stack, id)) {
      const ttl = await stack.runtime.redis.ttl(key);
      if (ttl !== -2) expect(ttl, key).toBeGreaterThan(0);
    }
  }, 30_000);

  it('cancelling an unknown job is an error; a finished job stays as it is', async () => {
    const unknown = await gql(stack.app, `mutation { cancelBulkScan(id: "00000000000000000000000000000000") { id } }`);
    expect(unknown.errors?.length).toBe(1);

    const id = await startJob(stack, domains.slice(0, 2));
    const done = await waitFor(async () => {
      const s = await restStatus(stack, id);
      return s.status === 'completed' ? s : undefined;
    }, 15_000);
    const c = await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { status processed error { code } } }`, { id });
    expect(c.data.cancelBulkScan).toEqual({ status: 'completed', processed: 2, error: null });
    expect((await restStatus(stack, id)).status).toBe('completed');
    expect(done.processed).toBe(2);
  }, 20_000);
});

describe('job timeout', () => {
  let sim: Simulator;
  let stack: Stack;
  let idle: Stack;
  const prefix = uniquePrefix('timeout');
  const idlePrefix = uniquePrefix('timeout-lazy');
  const env = { SCOUT_CONCURRENCY: '2', SCOUT_JOB_TIMEOUT_MIN_MS: '1500', SCOUT_JOB_TIMEOUT_MS_PER_100: '1000' };

  beforeAll(async () => {
    sim = await startSimulator({ cases, latency: SLOW });
    stack = await startStack(sim, prefix, { env });
    idle = await startStack(sim, idlePrefix, { env, worker: false, heartbeatMs: 300 });
  });
  afterAll(async () => {
    if (stack) await cleanupPrefix(stack.runtime, prefix);
    if (idle) await cleanupPrefix(idle.runtime, idlePrefix);
    await stack?.close();
    await idle?.close();
    await sim?.close();
  });

  it('a worker ends an overdue job `failed` with `job_timeout`; finished results are kept', async () => {
    const id = await startJob(stack, domains);
    const first = await restStatus(stack, id);
    // 80 domains: max(1500, 1000 * 80 / 100) = 1500 ms
    expect(Date.parse((await stack.runtime.store.snapshot(id))!.timeoutAt) - Date.parse(first.created_at)).toBe(1500);

    // watch the store directly (a REST read would apply the timeout lazily itself)
    const ended = await waitFor(async () => {
      const s = await stack.runtime.store.snapshot(id);
      return s && s.status !== 'pending' && s.status !== 'running' ? s : undefined;
    }, 10_000, 50);
    expect(ended.status).toBe('failed');
    expect(ended.error?.code).toBe('job_timeout');
    expect(ended.finishedAt).toBeTruthy();
    expect(Date.parse(ended.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(ended.timeoutAt));
    expect(ended.processed).toBeGreaterThan(0);
    expect(ended.processed).toBeLessThan(80);
    expect(ended.succeeded + ended.failed).toBe(ended.processed);

    const s = await restStatus(stack, id);
    expect(s).toMatchObject({ status: 'failed', error: { code: 'job_timeout' }, processed: ended.processed });
    await expectResultsKept(stack, id, ended.succeeded);

    // the counters stay put while the rest drains
    await waitFor(async () => {
      const counts = await stack.runtime.queues.domainQueue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 10_000, 50);
    const q = await gql(stack.app, `query($id: ID!) { bulkScan(id: $id) { ${JOB_FIELDS} } }`, { id });
    expect(q.data.bulkScan).toMatchObject({ status: 'failed', processed: ended.processed, succeeded: ended.succeeded, error: { code: 'job_timeout' } });
    expect(mxQueried(sim).size).toBeLessThanOrEqual(ended.processed + 2);
  }, 30_000);

  it('with no worker running, a read past timeoutAt ends the job (lazy timeout)', async () => {
    const r = await post(idle.app, '/scan/bulk', { domain_list: domains.slice(0, 5) });
    expect(r.status).toBe(200);
    const id = ((await r.json()) as { job_id: string }).job_id;
    expect((await restStatus(idle, id)).status).toBe('pending');
    const early = await get(idle.app, `/scan/bulk/${id}/results`);
    expect(early.status).toBe(400);

    await sleep(1600);
    // nobody touched it: still pending in Redis until read
    expect((await idle.runtime.store.snapshot(id))!.status).toBe('pending');
    const s = await restStatus(idle, id);
    expect(s).toMatchObject({ status: 'failed', processed: 0, error: { code: 'job_timeout' } });
    expect(s.finished_at).toBeTruthy();
    expect((await idle.runtime.store.snapshot(id))!.status).toBe('failed');
    const results = await get(idle.app, `/scan/bulk/${id}/results`);
    expect(results.status).toBe(200);
    expect(((await results.json()) as { results: Lead[] }).results).toEqual([]);

    // a subscriber with no worker around: the heartbeat read applies the timeout and ends the stream
    const r3 = await post(idle.app, '/scan/bulk', { domain_list: domains.slice(7, 9) });
    const id3 = ((await r3.json()) as { job_id: string }).job_id;
    const events = (await readSse(idle.app, `subscription($id: ID!) { bulkScanProgress(id: $id) { status processed error { code } } }`, { id: id3 }, 8_000)).map((e) => e.data.bulkScanProgress);
    expect(events[0]).toEqual({ status: 'pending', processed: 0, error: null });
    expect(events.at(-1)).toEqual({ status: 'failed', processed: 0, error: { code: 'job_timeout' } });

    // GraphQL reads apply it too
    const r2 = await post(idle.app, '/scan/bulk', { domain_list: domains.slice(5, 7) });
    const id2 = ((await r2.json()) as { job_id: string }).job_id;
    await sleep(1600);
    const q = await gql(idle.app, `query($id: ID!) { bulkScan(id: $id) { status error { code } } }`, { id: id2 });
    expect(q.data.bulkScan).toEqual({ status: 'failed', error: { code: 'job_timeout' } });
  }, 20_000);
});

describe('job state TTL', () => {
  let sim: Simulator;
  let stack: Stack;
  const prefix = uniquePrefix('ttl');

  beforeAll(async () => {
    sim = await startSimulator({ cases, latency: { whois: [100, 200], rdap: [100, 200] } });
    stack = await startStack(sim, prefix, { env: { SCOUT_JOB_TTL_S: '2', SCOUT_CONCURRENCY: '2' } });
  });
  afterAll(async () => {
    if (stack) await cleanupPrefix(stack.runtime, prefix);
    await stack?.close();
    await sim?.close();
  });

  it('a finished job expires from Redis after SCOUT_JOB_TTL_S: 404 afterwards', async () => {
    const id = await startJob(stack, domains.slice(0, 3));
    await waitFor(async () => (await restStatus(stack, id)).status === 'completed', 15_000, 50);

    const keys = await redisKeysOf(stack, id);
    let present = 0;
    for (const key of keys) {
      const pttl = await stack.runtime.redis.pttl(key);
      if (pttl === -2) continue; // never created (e.g. no errors)
      present++;
      expect(pttl, key).toBeGreaterThan(0);
      expect(pttl, key).toBeLessThanOrEqual(2000);
    }
    expect(present).toBeGreaterThanOrEqual(4); // meta, done, results, domains

    await sleep(3000);
    for (const key of keys) expect(await stack.runtime.redis.exists(key), key).toBe(0);
    expect((await get(stack.app, `/scan/bulk/${id}`)).status).toBe(404);
    expect((await get(stack.app, `/scan/bulk/${id}/results`)).status).toBe(404);
    const q = await gql(stack.app, `query($id: ID!) { bulkScan(id: $id) { id } }`, { id });
    expect(q.data.bulkScan).toBeNull();
  }, 20_000);

  it('a cancelled job expires after the TTL too', async () => {
    const id = await startJob(stack, domains.slice(0, 40));
    const c = await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { status } }`, { id });
    expect(c.data.cancelBulkScan.status).toBe('cancelled');
    for (const key of await redisKeysOf(stack, id)) {
      const pttl = await stack.runtime.redis.pttl(key);
      if (pttl !== -2) expect(pttl, key).toBeLessThanOrEqual(2000);
    }
    await sleep(2500);
    // let in-flight units finish: they must not recreate any key of the expired job
    await waitFor(async () => {
      const counts = await stack.runtime.queues.domainQueue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 10_000, 50);
    for (const key of await redisKeysOf(stack, id)) expect(await stack.runtime.redis.exists(key), key).toBe(0);
    expect((await get(stack.app, `/scan/bulk/${id}`)).status).toBe(404);
  }, 20_000);

  it('while a job runs, every key of its state has a TTL (none can outlive the job)', async () => {
    const id = await startJob(stack, domains.slice(0, 40));
    await waitFor(async () => (await restStatus(stack, id)).processed >= 2, 10_000, 50);
    const meta = await stack.runtime.redis.ttl(stack.runtime.store.keys(id).meta);
    expect(meta).toBeGreaterThan(0);
    for (const key of await redisKeysOf(stack, id)) {
      const ttl = await stack.runtime.redis.ttl(key);
      if (ttl === -2) continue;
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(meta);
    }
    await gql(stack.app, `mutation($id: ID!) { cancelBulkScan(id: $id) { status } }`, { id });
  }, 20_000);
});
