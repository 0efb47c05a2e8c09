/**
 * Persistence end to end, on both engines (PostgreSQL at 127.0.0.1:5432 in a schema of this run,
 * and embedded PGlite): a job's leads and errors survive a Redis flush and an API restart and are
 * served by the same endpoints; a database outage during a job ends with every lead written once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPgliteDb, createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import type { Lead } from '../src/scan/scan.types.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, get, gql, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const corpus = loadCorpus();
const cases = [...corpus, ...generateCases(corpus, 30)];
const SCHEMA = `e2e_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases });
});
afterAll(async () => {
  await sim?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
});

async function runJob(stack: Stack, domains: string[]) {
  const r = (await (await post(stack.app, '/scan/bulk', { domain_list: domains })).json()) as { job_id: string };
  await waitFor(async () => ((await (await get(stack.app, `/scan/bulk/${r.job_id}`)).json()) as { status: string }).status === 'completed', 60_000);
  return r.job_id;
}

const countRows = async (db: Db, sql: string, params: unknown[]) => Number((await db.query<{ n: number }>(sql, params)).rows[0].n);

describe.each([
  ['postgres', () => createPostgresDb(POSTGRES_URL, { schema: SCHEMA })],
  ['pglite', () => createPgliteDb('memory://')],
] as const)('on %s', (_engine, openDb) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
    await migrate(db);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("keeps a job's leads and errors through a Redis flush and an API restart", async () => {
    const prefix = uniquePrefix('persist');
    const domains = corpus.slice(0, 40).map((c) => c.domain);
    let stack = await startStack(sim, prefix, { db });
    const jobId = await runJob(stack, domains);
    const before = (await (await get(stack.app, `/scan/bulk/${jobId}/results`)).json()) as { results: Lead[]; succeeded: number; failed: number };
    const statusBefore = (await (await get(stack.app, `/scan/bulk/${jobId}`)).json()) as Record<string, unknown>;
    // the persist step copies the finished job into the database
    await waitFor(async () => (await countRows(db, 'SELECT count(*)::int AS n FROM job_leads WHERE job_id = $1', [jobId])) === before.succeeded);

    await cleanupPrefix(stack.runtime, prefix); // the job's Redis state is gone
    await stack.close(); // and the API restarts
    stack = await startStack(sim, prefix, { db });
    try {
      const status = (await (await get(stack.app, `/scan/bulk/${jobId}`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ job_id: jobId, status: 'completed', total: 40, processed: 40, succeeded: before.succeeded, failed: before.failed, progress: 100 });
      expect(status.errors).toEqual(statusBefore.errors);
      const after = (await (await get(stack.app, `/scan/bulk/${jobId}/results`)).json()) as { results: Lead[] };
      expect(after.results).toEqual(before.results);

      const q = await gql(stack.app, `query($id: ID!, $d: String!) { bulkScan(id: $id) { status succeeded errors { domain code } results(first: 5) { items { domain score } } } lead(domain: $d) { lead { domain provider score } } }`, { id: jobId, d: before.results[0].domain });
      expect(q.errors).toBeUndefined();
      expect(q.data.bulkScan.status).toBe('completed');
      expect(q.data.bulkScan.results.items.map((l: Lead) => l.domain)).toEqual(before.results.slice(0, 5).map((l) => l.domain));
      expect(q.data.lead.lead).toEqual({ domain: before.results[0].domain, provider: before.results[0].provider, score: before.results[0].score });
    } finally {
      await cleanupPrefix(stack.runtime, prefix);
      await stack.close();
    }
  }, 90_000);

  it('filters stored leads and lists the job history', async () => {
    const prefix = uniquePrefix('leadsq');
    const stack = await startStack(sim, prefix, { db });
    try {
      const google = corpus.filter((c) => c.kind === 'google' || c.kind === 'mixed_pref').map((c) => c.domain);
      const jobId = await runJob(stack, google);
      await waitFor(async () => (await countRows(db, 'SELECT count(*)::int AS n FROM job_leads WHERE job_id = $1', [jobId])) > 0);
      await stack.runtime.services.leads.jobs(1); // warm
      const q = await gql(stack.app, `{ leads(filter: { provider: Google, minScore: 60, tag: "google-workspace" }, first: 2) { items { domain provider score tags } endCursor hasNextPage } bulkScans(first: 50) { items { id status } } }`);
      expect(q.errors).toBeUndefined();
      for (const lead of q.data.leads.items) {
        expect(lead.provider).toBe('Google');
        expect(lead.score).toBeGreaterThanOrEqual(60);
        expect(lead.tags).toContain('google-workspace');
      }
      expect(q.data.bulkScans.items.map((j: { id: string }) => j.id)).toContain(jobId);
    } finally {
      await cleanupPrefix(stack.runtime, prefix);
      await stack.close();
    }
  }, 60_000);
});

describe('a database outage during a job', () => {
  let proxy: TcpProxy;
  let db: Db;
  beforeAll(async () => {
    const url = new URL(POSTGRES_URL);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    db = await createPostgresDb(url.toString(), { schema: SCHEMA });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await proxy?.close();
  });

  it('ends with every lead written exactly once', async () => {
    const prefix = uniquePrefix('outage');
    const slowSim = await startSimulator({ cases, latency: { whois: [40, 80], rdap: [40, 80] }, seed: 7 });
    const stack = await startStack(slowSim, prefix, { db, env: { SCOUT_CONCURRENCY: '4' } });
    try {
      const domains = cases.filter((c) => !(c.expect as { failed?: boolean }).failed).slice(0, 60).map((c) => c.domain);
      const r = (await (await post(stack.app, '/scan/bulk', { domain_list: domains })).json()) as { job_id: string };
      await waitFor(async () => ((await (await get(stack.app, `/scan/bulk/${r.job_id}`)).json()) as { processed: number }).processed >= 10);
      await proxy.cut(); // the database goes away mid-job
      const done = await waitFor(async () => {
        const s = (await (await get(stack.app, `/scan/bulk/${r.job_id}`)).json()) as { status: string; succeeded: number };
        return s.status === 'completed' ? s : undefined;
      }, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // proof that the outage bit: while it lasts, the database lacks leads the job finished
      const direct = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
      const duringOutage = await countRows(direct, 'SELECT count(*)::int AS n FROM job_leads WHERE job_id = $1', [r.job_id]);
      await direct.close();
      expect(duringOutage).toBeLessThan(done.succeeded);
      await proxy.restore(); // and comes back
      await waitFor(async () => (await countRows(db, 'SELECT count(*)::int AS n FROM job_leads WHERE job_id = $1', [r.job_id])) === done.succeeded, 60_000, 250);
      // once each: one history row per domain of the job, one job row, one latest lead per domain
      const history = await db.query<{ domain: string; n: number }>(
        `SELECT h.domain, count(*)::int AS n FROM lead_history h JOIN job_leads j ON j.domain = h.domain AND j.scanned_at = h.scanned_at WHERE j.job_id = $1 GROUP BY h.domain`,
        [r.job_id],
      );
      expect(history.rows.length).toBe(done.succeeded);
      expect(history.rows.every((row) => row.n === 1)).toBe(true);
      await waitFor(async () => (await countRows(db, `SELECT count(*)::int AS n FROM bulk_jobs WHERE id = $1 AND status = 'completed'`, [r.job_id])) === 1, 30_000, 250);
    } finally {
      await cleanupPrefix(stack.runtime, prefix);
      await stack.close();
      await slowSim.close();
    }
  }, 120_000);
});
