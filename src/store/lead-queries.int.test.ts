/**
 * The old clients' queries against PostgreSQL (a schema of its own, dropped at the end):
 * companies with stable ids, numbered pages sorted over the whole filtered set, search,
 * keyset pages in any sort order, counters, the newest stored scan.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCompanyRepository } from './companies.repository.js';
import { createPostgresDb, type Db } from './db.js';
import { createLeadRepository } from './leads.repository.js';
import { migrate } from './migrations.js';
import { buildLead } from './store.test-utils.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `test_lq_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
let db: Db;
let leads: ReturnType<typeof createLeadRepository>;
let companies: ReturnType<typeof createCompanyRepository>;

// 30 leads: scores 40..98 step 2, segments and providers in turn
const LEADS = Array.from({ length: 30 }, (_, i) =>
  buildLead({
    domain: `d${String(i).padStart(2, '0')}.example`,
    score: 40 + 2 * i,
    readiness_score: 40 + 2 * i,
    priority_score: 1 + (i % 7),
    segment: (['Migration', 'Existing', 'Cold', 'Skip'] as const)[i % 4],
    provider: (['Google', 'M365', 'Local'] as const)[i % 3],
    scanned_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  }),
);

beforeAll(async () => {
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  leads = createLeadRepository(db);
  companies = createCompanyRepository(db);
  await leads.saveScans(LEADS.map((lead) => ({ jobId: null, position: null, lead })));
});

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.close();
});

describe('companies', () => {
  test('a domain keeps its id; a given name replaces the stored one, no name keeps it', async () => {
    const first = await companies.upsertMany([{ domain: 'd01.example', companyName: null }]);
    const id = first.get('d01.example')!;
    expect(Number.isInteger(id)).toBe(true);
    const again = await companies.upsertMany([{ domain: 'd01.example', companyName: 'Acme Widgets' }]);
    expect(again.get('d01.example')).toBe(id);
    await companies.upsertMany([{ domain: 'd01.example', companyName: null }]);
    const row = await leads.leadWithCompany('d01.example');
    expect(row).toMatchObject({ companyId: id, companyName: 'Acme Widgets' });
    const other = await companies.upsertMany([{ domain: 'other.example', companyName: null }]);
    expect(other.get('other.example')).not.toBe(id);
  });
});

describe('numbered pages', () => {
  test('default order: priority ascending, then score descending; pages cut the sorted set', async () => {
    const all = await leads.pageLeads({}, undefined, 0, 100);
    expect(all.total).toBe(30);
    const expected = [...LEADS].sort((a, b) => a.priority_score - b.priority_score || b.score - a.score).map((l) => l.domain);
    expect(all.rows.map((r) => r.lead.domain)).toEqual(expected);
    const page2 = await leads.pageLeads({}, undefined, 10, 10);
    expect(page2.rows.map((r) => r.lead.domain)).toEqual(expected.slice(10, 20));
    expect(page2.total).toBe(30);
  });

  test('a sort is applied to the whole filtered set before the page is cut', async () => {
    const filter = { segment: 'Migration' as const, minScore: 50 };
    const matching = LEADS.filter((l) => l.segment === 'Migration' && l.score >= 50).sort((a, b) => b.score - a.score);
    const page1 = await leads.pageLeads(filter, { by: 'readiness_score', order: 'desc' }, 0, 2);
    const page2 = await leads.pageLeads(filter, { by: 'readiness_score', order: 'desc' }, 2, 2);
    expect(page1.total).toBe(matching.length);
    expect([...page1.rows, ...page2.rows].map((r) => r.lead.domain)).toEqual(matching.slice(0, 4).map((l) => l.domain));
  });

  test('search matches domain, company name or provider, case-insensitively; % is literal', async () => {
    expect((await leads.pageLeads({ search: 'ACME' }, undefined, 0, 50)).rows.map((r) => r.lead.domain)).toEqual(['d01.example']);
    expect((await leads.pageLeads({ search: 'd2' }, undefined, 0, 50)).total).toBe(10);
    expect((await leads.pageLeads({ search: 'm365' }, undefined, 0, 50)).total).toBe(10);
    expect((await leads.pageLeads({ search: '%' }, undefined, 0, 50)).total).toBe(0);
  });
});

describe('keyset pages in a chosen order (GraphQL leads)', () => {
  for (const sort of [
    { by: 'domain', order: 'desc' },
    { by: 'scanned_at', order: 'asc' },
    { by: 'provider', order: 'asc' },
    { by: 'priority_score', order: 'desc' },
  ] as const) {
    test(`${sort.by} ${sort.order}: pages join up to the whole sorted list`, async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await leads.listLeads({}, 7, after, sort);
        seen.push(...page.items.map((l) => l.domain));
        if (!page.hasNextPage) break;
        after = page.endCursor!;
      }
      const whole = await leads.listLeads({}, 100, undefined, sort);
      expect(seen).toEqual(whole.items.map((l) => l.domain));
      expect(new Set(seen).size).toBe(30);
      const keys = whole.items.map((l) => (sort.by === 'scanned_at' ? l.scanned_at : l[sort.by]));
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(sort.order === 'asc' ? sorted : sorted.reverse());
    });
  }
});

test('counters over the scanned leads', async () => {
  const counters = await leads.counters();
  const migration = LEADS.filter((l) => l.segment === 'Migration');
  expect(counters).toEqual({
    total: 30,
    bySegment: {
      Migration: migration.length,
      Existing: LEADS.filter((l) => l.segment === 'Existing').length,
      Cold: LEADS.filter((l) => l.segment === 'Cold').length,
      Skip: LEADS.filter((l) => l.segment === 'Skip').length,
    },
    avgScore: 69,
    maxScore: 98,
    highPriority: migration.filter((l) => l.score >= 70).length,
  });
});

test('latestScan is the newest stored scan', async () => {
  const newer = buildLead({ domain: 'd00.example', score: 10, scanned_at: '2026-06-01T00:00:00.000Z' });
  await leads.saveScans([{ jobId: null, position: null, lead: newer }]);
  expect((await leads.latestScan('d00.example'))?.score).toBe(10);
  expect(await leads.latestScan('never.example')).toBeNull();
});
