/**
 * Bounded Redis for results: a finished lead leaves Redis once the database has it, and every
 * reader still sees it, from the database: partial results while running, the REST results
 * (JSON, CSV, NDJSON) in submission order, the bulkScanResults subscription's catch-up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import type { Lead } from '../src/scan/scan.types.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { watchJobResults } from '../src/jobs/progress.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, get, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `e2e_evict_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
const cases = generateCases(loadCorpus(), 300);
const domains = cases.map((c) => c.domain);

let sim: Simulator;
let db: Db;
let stack: Stack;
const prefix = uniquePrefix('evict');

beforeAll(async () => {
  sim = await startSimulator({ cases });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  stack = await startStack(sim, prefix, { db, env: { SCOUT_CONCURRENCY: '20' } });
}, 60_000);
afterAll(async () => {
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await db?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  await sim?.close();
});

describe('finished leads leave Redis for the database', () => {
  it('Redis keeps ~0 bytes of results after the writes; every reader still gets every lead in order', async () => {
    const r = (await (await post(stack.app, '/scan/bulk', { domain_list: domains })).json()) as { job_id: string };
    const id = r.job_id;
    const done = await waitFor(async () => {
      const s = (await (await get(stack.app, `/scan/bulk/${id}`)).json()) as Record<string, any>;
      return s.status === 'completed' ? s : undefined;
    }, 60_000, 50);
    const resultsKey = stack.runtime.store.keys(id).results;
    // the write buffer flushes within a second or so, then the leads leave Redis
    await waitFor(async () => (await stack.runtime.redis.hlen(resultsKey)) === 0, 10_000, 100);
    expect(await stack.runtime.redis.exists(resultsKey)).toBe(0);

    // REST JSON, from the database, in submission order
    const json = (await (await get(stack.app, `/scan/bulk/${id}/results`)).json()) as { results: Lead[] };
    const names = json.results.map((l) => l.domain);
    expect(names.length).toBe(done.succeeded);
    expect(names).toEqual(domains.filter((d) => names.includes(d)));
    expect(json.results[0].score).toEqual(expect.any(Number));

    // NDJSON and CSV: the same rows
    const nd = await get(stack.app, `/scan/bulk/${id}/results?format=ndjson`);
    expect(nd.status).toBe(200);
    expect(nd.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const ndLines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as Lead);
    expect(ndLines.map((l) => l.domain)).toEqual(names);
    const csv = await (await get(stack.app, `/scan/bulk/${id}/results?format=csv`)).text();
    expect(csv.trim().split('\n').length).toBe(names.length + 1);

    // paged reads (GraphQL results, partial results) and the subscription's catch-up
    const page = await stack.runtime.store.results(id, 100, 50);
    expect(page.leads.map((l) => l.domain)).toEqual(names.filter((d) => domains.indexOf(d) >= 100).slice(0, 50));
    const p = stack.runtime.services.progress;
    const seen: string[] = [];
    for await (const lead of watchJobResults(p.bus, p.store, p.prefix, id)) seen.push(lead.domain);
    expect(seen).toEqual(names);

    // once the job's Redis state is gone, the archive serves the results page by page
    await waitFor(async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_jobs WHERE id = $1 AND status = $2', [id, 'completed'])).rows[0].n === 1, 10_000, 100);
    await stack.runtime.redis.del(...Object.values(stack.runtime.store.keys(id)));
    const archived = (await (await get(stack.app, `/scan/bulk/${id}/results`)).json()) as { results: Lead[] };
    expect(archived.results.map((l) => l.domain)).toEqual(names);
  }, 90_000);
});
