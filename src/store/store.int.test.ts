/**
 * One contract suite for the store, run on both engines: PostgreSQL (`DATABASE_URL`, default the
 * local test database, in a schema of its own dropped at the end) and embedded PGlite
 * (`memory://`, one instance for the file: each new one runs initdb for seconds).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import { InputError } from '../services/input.errors.js';
import { createPgliteDb, createPostgresDb, openDatabase, type Db } from './db.js';
import { createJobRepository } from './jobs.repository.js';
import { createLeadRepository } from './leads.repository.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { measureWriteThroughput } from './store.bench.js';
import { buildLead } from './store.test-utils.js';
import type { ScanRow, StoredJob } from './store.types.js';
import { createWriteBuffer } from './write-buffer.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = randomUUID().replaceAll('-', '').slice(0, 12);
const SCHEMA = `test_${RUN}`;
const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

const ENGINES = [
  ['postgres', () => createPostgresDb(POSTGRES_URL, { schema: SCHEMA })],
  ['pglite', () => createPgliteDb('memory://')],
] as const;

function scan(lead: Lead, jobId: string | null = null, position: number | null = null): ScanRow {
  return { jobId, position, lead };
}

function job(overrides: Partial<StoredJob> & { id: string }): StoredJob {
  return {
    status: 'pending',
    total: 10,
    processed: 0,
    succeeded: 0,
    failed: 0,
    createdAt: '2026-01-10T12:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    options: { rdap: 'auto', priority: 5 },
    submittedBy: 'alice@example.com',
    error: null,
    ...overrides,
  };
}

function failure(overrides: Partial<ScanFailure> & { domain: string }): ScanFailure {
  return {
    category: 'transient',
    code: 'dns_timeout',
    message: 'DNS query timed out after 3 tries',
    attempts: 3,
    timestamp: '2026-01-10T12:00:01.000Z',
    ...overrides,
  };
}

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

describe.each(ENGINES)('store on %s', (engine, open) => {
  let db: Db;
  let leads: ReturnType<typeof createLeadRepository>;
  let jobs: ReturnType<typeof createJobRepository>;

  beforeAll(async () => {
    db = await open();
    await migrate(db);
    leads = createLeadRepository(db);
    jobs = createJobRepository(db);
  }, 60_000);

  afterAll(async () => {
    if (!db) return;
    if (engine === 'postgres') await db.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await db.close();
  });

  beforeEach(async () => {
    await db.exec('TRUNCATE leads, lead_history, job_leads, bulk_jobs, scan_errors');
  });

  describe('migrations', () => {
    test('running them again applies nothing', async () => {
      await expect(migrate(db)).resolves.toEqual({ applied: [], version: LATEST_VERSION });
      await expect(migrate(db)).resolves.toEqual({ applied: [], version: LATEST_VERSION });
      const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    test.runIf(engine === 'postgres')('two processes migrating a fresh schema at once apply each version once', async () => {
      const schema = `${SCHEMA}_race`;
      const [a, b] = [await createPostgresDb(POSTGRES_URL, { schema }), await createPostgresDb(POSTGRES_URL, { schema })];
      try {
        const results = await Promise.all([migrate(a), migrate(b)]);
        expect(results.map((r) => r.applied).sort()).toEqual([[], MIGRATIONS.map((m) => m.version)]);
        expect(await count(a, 'schema_migrations')).toBe(MIGRATIONS.length);
      } finally {
        await a.query(`DROP SCHEMA ${schema} CASCADE`);
        await Promise.all([a.close(), b.close()]);
      }
    });

    test.runIf(engine === 'postgres')('openDatabase picks PostgreSQL for a URL and migrates', async () => {
      const schema = `${SCHEMA}_open`;
      const opened = await openDatabase({ databaseUrl: POSTGRES_URL, dataDir: 'memory://', schema });
      try {
        expect(opened.engine).toBe('postgres');
        expect(await count(opened, 'leads')).toBe(0);
      } finally {
        await opened.query(`DROP SCHEMA ${schema} CASCADE`);
        await opened.close();
      }
    });
  });

  describe('leads', () => {
    test('a saved lead reads back equal', async () => {
      const lead = buildLead({ domain: 'acme.example', nameservers: null, dmarc_policy: null, dmarc_coverage: null, tags: [] });
      await leads.saveScans([scan(lead)]);
      const stored = await leads.getLead('acme.example');
      expect(stored).toEqual({ lead, history: [] });
      expect(Object.keys(stored!.lead)).toEqual(Object.keys(lead));
    });

    test('an unknown domain reads as null', async () => {
      await expect(leads.getLead('never-scanned.example')).resolves.toBeNull();
    });

    test('a newer scan replaces the latest and the earlier one stays in the history', async () => {
      const first = buildLead({ domain: 'acme.example', provider: 'Google', score: 75, scanned_at: '2026-01-01T00:00:00.000Z' });
      const second = buildLead({
        domain: 'acme.example',
        provider: 'M365',
        segment: 'Existing',
        score: 80,
        scanned_at: '2026-02-01T00:00:00.000Z',
      });
      await leads.saveScans([scan(first)]);
      await leads.saveScans([scan(second)]);
      await expect(leads.getLead('acme.example')).resolves.toEqual({ lead: second, history: [first] });
    });

    test('a late older scan lands in the history without replacing the latest', async () => {
      const newer = buildLead({ domain: 'acme.example', score: 80, scanned_at: '2026-02-01T00:00:00.000Z' });
      const older = buildLead({ domain: 'acme.example', score: 60, scanned_at: '2026-01-01T00:00:00.000Z' });
      await leads.saveScans([scan(newer)]);
      await leads.saveScans([scan(older)]);
      await expect(leads.getLead('acme.example')).resolves.toEqual({ lead: newer, history: [older] });
    });

    test('the same scan saved twice, in one batch and again later, is written once', async () => {
      const lead = buildLead({ domain: 'acme.example' });
      const older = buildLead({ domain: 'acme.example', score: 10, scanned_at: '2025-12-01T00:00:00.000Z' });
      await leads.saveScans([scan(lead, 'job-1', 0), scan(older, 'job-1', 0), scan(lead, 'job-1', 0)]);
      await leads.saveScans([scan(lead, 'job-1', 0)]);
      expect(await count(db, 'lead_history')).toBe(2);
      expect(await count(db, 'leads')).toBe(1);
      expect(await count(db, 'job_leads')).toBe(1);
      await expect(leads.getLead('acme.example')).resolves.toEqual({ lead, history: [older] });
      await expect(leads.jobResults('job-1')).resolves.toEqual([lead]);
    });

    test('text with a NUL character is stored without it instead of failing the batch', async () => {
      const lead = buildLead({ domain: 'nul.example', registrar: 'Bad\u0000Registrar' });
      await leads.saveScans([scan(lead)]);
      expect((await leads.getLead('nul.example'))!.lead.registrar).toBe('BadRegistrar');
    });
  });

  describe('listing leads', () => {
    const SEED: Lead[] = [
      buildLead({ domain: 'a.example', provider: 'Google', segment: 'Migration', score: 90, priority_score: 1, tags: ['migration-ready'], scanned_at: '2026-01-05T00:00:00.000Z' }),
      buildLead({ domain: 'b.example', provider: 'M365', segment: 'Existing', score: 70, priority_score: 3, priority_category: 'P3', tags: [], scanned_at: '2026-01-06T00:00:00.000Z' }),
      buildLead({ domain: 'c.example', provider: 'Local', segment: 'Cold', score: 45, priority_score: 5, tags: ['local-mx', 'security-risk'], scanned_at: '2026-01-07T00:00:00.000Z' }),
      buildLead({ domain: 'd.example', provider: 'Google', segment: 'Migration', score: 70, priority_score: 2, tags: ['migration-ready', 'google-workspace'], scanned_at: '2026-01-08T00:00:00.000Z' }),
      buildLead({ domain: 'e.example', provider: 'Unknown', segment: 'Skip', score: 0, priority_score: 7, tags: ['security-risk'], scanned_at: '2026-01-09T00:00:00.000Z' }),
    ];
    const domainsOf = (items: Lead[]) => items.map((lead) => lead.domain);

    beforeEach(async () => {
      await leads.saveScans(SEED.map((lead) => scan(lead)));
    });

    test('without a filter: every lead, best score first, ties by domain', async () => {
      const page = await leads.listLeads({}, 10);
      expect(domainsOf(page.items)).toEqual(['a.example', 'b.example', 'd.example', 'c.example', 'e.example']);
      expect(page.items[0]).toEqual(SEED[0]);
      expect(page.hasNextPage).toBe(false);
    });

    test.each([
      [{ provider: 'Google' }, ['a.example', 'd.example']],
      [{ segment: 'Cold' }, ['c.example']],
      [{ priorityScore: 3 }, ['b.example']],
      [{ priorityCategory: 'P3' }, ['b.example']],
      [{ tag: 'security-risk' }, ['c.example', 'e.example']],
      [{ minScore: 70 }, ['a.example', 'b.example', 'd.example']],
      [{ scannedSince: '2026-01-07T00:00:00Z' }, ['d.example', 'c.example', 'e.example']],
      [{ provider: 'Google', tag: 'google-workspace', minScore: 50 }, ['d.example']],
      [{ provider: 'Zoho' }, []],
    ] as const)('filter %o', async (filter, expected) => {
      const page = await leads.listLeads(filter, 10);
      expect(domainsOf(page.items)).toEqual(expected);
    });

    test('pages follow each other without gaps or duplicates', async () => {
      // 40 more leads with many equal scores, so pages break inside runs of ties.
      const more = Array.from({ length: 40 }, (_, i) =>
        buildLead({ domain: `p${String(i).padStart(2, '0')}.example`, score: [90, 70, 50, 70][i % 4], provider: i % 3 === 0 ? 'Google' : 'Zoho' }),
      );
      await leads.saveScans(more.map((lead) => scan(lead)));

      for (const filter of [{}, { provider: 'Google' as const }, { minScore: 60 }]) {
        const all = domainsOf((await leads.listLeads(filter, 1000)).items);
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const page = await leads.listLeads(filter, 7, after);
          seen.push(...domainsOf(page.items));
          pages += 1;
          if (!page.hasNextPage) break;
          after = page.endCursor;
        }
        expect(seen).toEqual(all);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(all.length / 7)));
      }
    });

    test('a page past the end is empty; a bad cursor is refused', async () => {
      const page = await leads.listLeads({}, 5);
      expect(page.hasNextPage).toBe(false);
      const next = await leads.listLeads({}, 5, page.endCursor);
      expect(next).toEqual({ items: [], endCursor: null, hasNextPage: false });
      await expect(leads.listLeads({}, 5, 'not-a-cursor')).rejects.toBeInstanceOf(InputError);
      await expect(leads.listLeads({}, 0)).rejects.toBeInstanceOf(InputError);
    });
  });

  describe('job results', () => {
    test('come back in submission order, each as scanned in that job', async () => {
      const domains = ['z.example', 'm.example', 'a.example', 'q.example'];
      const inJob = domains.map((domain, i) => buildLead({ domain, score: 10 * i, scanned_at: `2026-01-10T12:00:0${i}.000Z` }));
      // Finish out of order, across two batches.
      await leads.saveScans([scan(inJob[2], 'job-1', 2), scan(inJob[0], 'job-1', 0)]);
      await leads.saveScans([scan(inJob[3], 'job-1', 3), scan(inJob[1], 'job-1', 1)]);
      // A later job rescans one domain: job-1 still shows its own scan.
      const rescan = buildLead({ domain: 'm.example', provider: 'M365', scanned_at: '2026-03-01T00:00:00.000Z' });
      await leads.saveScans([scan(rescan, 'job-2', 0)]);

      await expect(leads.jobResults('job-1')).resolves.toEqual(inJob);
      await expect(leads.jobResults('job-2')).resolves.toEqual([rescan]);
      expect((await leads.getLead('m.example'))!.lead).toEqual(rescan);
      await expect(leads.jobResults('no-such-job')).resolves.toEqual([]);
    });

    test('a domain scanned twice in one job links its latest scan, at its position', async () => {
      const first = buildLead({ domain: 'b.example', scanned_at: '2026-01-10T12:00:00.000Z' });
      const retried = buildLead({ domain: 'b.example', score: 12, scanned_at: '2026-01-10T12:05:00.000Z' });
      const other = buildLead({ domain: 'a.example' });
      await leads.saveScans([scan(first, 'job-1', 1), scan(other, 'job-1', 0)]);
      await leads.saveScans([scan(retried, 'job-1', 1)]);
      await expect(leads.jobResults('job-1')).resolves.toEqual([other, retried]);
    });
  });

  describe('jobs', () => {
    test('an upsert inserts, then updates status, counters and timestamps only', async () => {
      const created = job({ id: 'job-1' });
      await jobs.upsertJob(created);
      await expect(jobs.getJob('job-1')).resolves.toEqual(created);

      const finished = job({
        id: 'job-1',
        status: 'cancelled',
        processed: 4,
        succeeded: 3,
        failed: 1,
        startedAt: '2026-01-10T12:00:02.000Z',
        finishedAt: '2026-01-10T12:03:00.000Z',
        error: { code: 'job_cancelled', message: 'cancelled by alice' },
        options: { changed: true },
        submittedBy: 'mallory@example.com',
      });
      await jobs.upsertJob(finished);
      await expect(jobs.getJob('job-1')).resolves.toEqual({ ...finished, options: created.options, submittedBy: created.submittedBy });
      await expect(jobs.getJob('no-such-job')).resolves.toBeNull();
    });

    test('the job history lists newest first, page by page', async () => {
      const stored = Array.from({ length: 11 }, (_, i) =>
        // Pairs share a creation time so the id breaks ties.
        job({ id: `job-${String(i).padStart(2, '0')}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, Math.floor(i / 2))).toISOString() }),
      );
      for (const j of stored) await jobs.upsertJob(j);
      const expected = [...stored].sort((x, y) => y.createdAt.localeCompare(x.createdAt) || y.id.localeCompare(x.id));

      const seen: StoredJob[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await jobs.listJobs(4, after);
        seen.push(...page.items);
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen).toEqual(expected);
    });
  });

  describe('errors', () => {
    test('saving the same failures again writes them once', async () => {
      const failures = [
        { ...failure({ domain: 'a.example' }), jobId: 'job-1' },
        { ...failure({ domain: 'b.example', code: 'domain_not_found', category: 'permanent', attempts: 1, message: 'NXDOMAIN', timestamp: '2026-01-10T12:00:00.500Z' }), jobId: 'job-1' },
        { ...failure({ domain: 'c.example' }), jobId: null },
      ];
      await jobs.saveErrors(failures);
      await jobs.saveErrors([...failures, failures[0]]);
      expect(await count(db, 'scan_errors')).toBe(3);
      const stripJob = ({ jobId: _jobId, ...rest }: (typeof failures)[number]) => rest;
      await expect(jobs.jobErrors('job-1')).resolves.toEqual([stripJob(failures[1]), stripJob(failures[0])]);
    });

    test('a later attempt of the same domain is a new entry', async () => {
      await jobs.saveErrors([{ ...failure({ domain: 'a.example', attempts: 1 }), jobId: 'job-1' }]);
      await jobs.saveErrors([{ ...failure({ domain: 'a.example', attempts: 2, timestamp: '2026-01-10T12:00:09.000Z' }), jobId: 'job-1' }]);
      expect((await jobs.jobErrors('job-1')).map((f) => f.attempts)).toEqual([1, 2]);
    });
  });

  describe('write buffer into the store', () => {
    test('a flush that fails twice is retried and every scan is written once', async () => {
      let calls = 0;
      const errors: unknown[] = [];
      const buffer = createWriteBuffer<ScanRow>({
        flush: async (rows) => {
          calls += 1;
          if (calls <= 2) throw new Error('connection refused');
          await leads.saveScans(rows);
        },
        maxItems: 50,
        retryDelayMs: 10,
        onError: (error) => errors.push(error),
      });
      const rows = Array.from({ length: 120 }, (_, i) => scan(buildLead({ domain: `w${i}.example` }), 'job-w', i));
      for (const row of rows) buffer.push(row);
      await buffer.drain();

      expect(errors).toHaveLength(2);
      expect(calls).toBe(2 + 3); // two failures, then 50 + 50 + 20
      expect(await count(db, 'leads')).toBe(120);
      expect((await leads.jobResults('job-w')).map((lead) => lead.domain)).toEqual(rows.map((row) => row.lead.domain));
    });

    test('write throughput', async () => {
      const n = 5000;
      const perSecond = await measureWriteThroughput(db, n);
      console.log(`[store] ${engine}: ${Math.round(perSecond)} leads/s (${n} leads through the write buffer, batches of 200)`);
      expect(await count(db, 'leads')).toBe(n);
    }, 120_000);
  });
});
