/**
 * The old clients' routes (spec/api.md, part 2) over real HTTP against the whole stack
 * (simulator, Redis, PostgreSQL in a schema of its own, in-process worker): every route at its
 * path and under /api/v1, each answer checked against its zod schema (the same definition that
 * documents it in /openapi.json).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from '@hono/zod-openapi';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardSchema, KpisSchema } from '../src/rest/dashboard.schemas.js';
import { IngestCsvResultSchema, IngestDomainResultSchema } from '../src/rest/ingest.schemas.js';
import { UploadJobSchema } from '../src/rest/jobs.schemas.js';
import { EXPORT_COLUMNS, LeadRowSchema, LeadsPageSchema, ScoreBreakdownSchema } from '../src/rest/leads.schemas.js';
import { BulkRescanStartedSchema, RescanResultSchema } from '../src/rest/rescan.schemas.js';
import { DetailSchema, ValidationErrorSchema } from '../src/rest/rest.schemas.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { buildLead } from '../src/store/store.test-utils.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `test_oc_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const corpus = loadCorpus();
const healthy = corpus.filter((c) => !(c.expect as { failed?: boolean }).failed && !c.whois?.fault).map((c) => c.domain);
const missing = corpus.find((c) => (c.expect as { code?: string }).code === 'domain_not_found')?.domain;

let sim: Simulator;
let stack: Stack;
let db: Db;
let server: Server;
let base: string;
const prefix = uniquePrefix('oldclients');

beforeAll(async () => {
  sim = await startSimulator({ cases: corpus });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  stack = await startStack(sim, prefix, { db });
  server = createServer(stack.app.handleNodeRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.close();
});

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

/** Status and body, the body checked against the schema of that answer. */
async function expectShape<S extends z.ZodType>(response: Response, status: number, schema: S): Promise<z.infer<S>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  return parsed.data as z.infer<S>;
}

async function scanned(domain: string) {
  expect((await send('POST', '/scan/domain', { domain })).status).toBe(200);
  // single scans are written through the group-commit buffer (~250 ms)
  await waitFor(async () => (await send('GET', `/leads/${domain}`)).status === 200, 10_000);
}

describe.each(['', '/api/v1'])('prefix "%s"', (p) => {
  it('POST /ingest/domain: 201 with a stable company id; website/email refine the domain; 422 for a bad domain', async () => {
    const domain = healthy[0];
    const first = await expectShape(await send('POST', `${p}/ingest/domain`, { domain, company_name: 'First Name Ltd' }), 201, IngestDomainResultSchema);
    expect(first).toEqual({ domain, company_id: first.company_id, message: `Domain ${domain} ingested successfully` });
    const again = await expectShape(await send('POST', `${p}/ingest/domain`, { domain: `https://www.${domain}/` }), 201, IngestDomainResultSchema);
    expect(again.company_id).toBe(first.company_id);
    const viaWebsite = await expectShape(await send('POST', `${p}/ingest/domain`, { domain: 'placeholder.com', website: `http://${healthy[1]}/x` }), 201, IngestDomainResultSchema);
    expect(viaWebsite.domain).toBe(healthy[1]);
    for (const body of [{}, { domain: '' }, { domain: 'not a domain' }]) {
      await expectShape(await send('POST', `${p}/ingest/domain`, body), 422, ValidationErrorSchema);
    }
  });
});

describe('leads', () => {
  beforeAll(async () => {
    for (const domain of healthy.slice(0, 6)) await scanned(domain);
  }, 60_000);

  it('GET /leads/{domain}: the row with its company; 400 invalid; 404 never scanned', async () => {
    const row = await expectShape(await send('GET', `/api/v1/leads/${healthy[0]}`), 200, LeadRowSchema);
    expect(row).toMatchObject({ domain: healthy[0], canonical_name: 'First Name Ltd', country: null, linkedin_pattern: null });
    expect(row.company_id).toEqual(expect.any(Number));
    const other = await expectShape(await send('GET', `/leads/${healthy[2]}`), 200, LeadRowSchema);
    expect(other).toMatchObject({ company_id: null, canonical_name: healthy[2] });
    expect(await expectShape(await send('GET', '/leads/not_a_domain'), 400, DetailSchema)).toEqual({ detail: 'Invalid domain format' });
    expect(await expectShape(await send('GET', '/leads/never-scanned-domain.com'), 404, DetailSchema)).toEqual({
      detail: 'Domain never-scanned-domain.com has not been scanned yet. Please use /scan/domain first.',
    });
  });

  it('GET /leads: default order, filters, search, sort over the whole set, pages, 422s', async () => {
    const all = await expectShape(await send('GET', '/leads?page=1&page_size=50'), 200, LeadsPageSchema);
    expect(all.total).toBe(all.leads.length);
    expect(all.total).toBeGreaterThanOrEqual(6);
    const keys = all.leads.map((l) => [l.priority_score, -l.readiness_score]);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));

    const byDomain = await expectShape(await send('GET', '/leads?sort_by=domain&sort_order=desc&page_size=2&page=2'), 200, LeadsPageSchema);
    const sortedDomains = all.leads.map((l) => l.domain).sort().reverse();
    expect(byDomain.leads.map((l) => l.domain)).toEqual(sortedDomains.slice(2, 4));
    expect(byDomain).toMatchObject({ total: all.total, page: 2, page_size: 2, total_pages: Math.ceil(all.total / 2) });

    const segment = all.leads[0].segment;
    const filtered = await expectShape(await send('GET', `/api/v1/leads?segment=${segment}&min_score=1`), 200, LeadsPageSchema);
    expect(filtered.leads.every((l) => l.segment === segment && l.readiness_score >= 1)).toBe(true);
    const searched = await expectShape(await send('GET', '/leads?search=FIRST%20name'), 200, LeadsPageSchema);
    expect(searched.leads.map((l) => l.domain)).toEqual([healthy[0]]);
    const none = await expectShape(await send('GET', '/leads?provider=Nobody'), 200, LeadsPageSchema);
    expect(none).toEqual({ leads: [], total: 0, page: 1, page_size: 50, total_pages: 0 });
    // unset fields sent empty, as the old UI does, are absent
    const blanks = await expectShape(await send('GET', '/leads?page=1&page_size=50&segment=&provider=&search=&min_score=&sort_by=&sort_order='), 200, LeadsPageSchema);
    expect(blanks.leads.map((l) => l.domain)).toEqual(all.leads.map((l) => l.domain));
    // an unknown sort_by is the default order
    const unknownSort = await expectShape(await send('GET', '/leads?sort_by=colour'), 200, LeadsPageSchema);
    expect(unknownSort.leads.map((l) => l.domain)).toEqual(all.leads.map((l) => l.domain));
    for (const q of ['sort_order=up', 'page=0', 'page_size=201', 'min_score=101', 'page=x', 'segment=a%00b', `search=${'x'.repeat(201)}`]) {
      await expectShape(await send('GET', `/leads?${q}`), 422, ValidationErrorSchema);
    }
  });

  it('GET /leads/{domain}/score-breakdown: the parts sum to the readiness score', async () => {
    for (const domain of healthy.slice(0, 6)) {
      const row = await expectShape(await send('GET', `/leads/${domain}`), 200, LeadRowSchema);
      const b = await expectShape(await send('GET', `/api/v1/leads/${domain}/score-breakdown`), 200, ScoreBreakdownSchema);
      const parts = [b.base_score, b.provider.points, ...Object.values(b.signal_points), ...Object.values(b.risk_points), ...Object.values(b.adjustment_points)];
      expect(parts.reduce((x, y) => x + y, 0)).toBe(row.readiness_score);
      expect(b).toMatchObject({ total_score: row.readiness_score, provider: { name: row.provider }, priority_label: row.priority_label, ip_enrichment: null });
    }
    await expectShape(await send('GET', '/leads/never-scanned-domain.com/score-breakdown'), 404, DetailSchema);
  });

  it('GET /leads/export: CSV with BOM, header, attachment name, sorted like /leads; xlsx; 422 for another format', async () => {
    const response = await send('GET', '/leads/export?min_score=0');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=leads_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.csv$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const page = await expectShape(await send('GET', '/leads?page_size=200'), 200, LeadsPageSchema);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(page.leads.map((l) => l.domain));
    expect(lines[1].split(',')[7]).toMatch(/^(Yes|No)$/);

    const empty = await send('GET', '/api/v1/leads/export?provider=Nobody');
    expect(new TextDecoder().decode(new Uint8Array(await empty.arrayBuffer()).slice(3))).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);

    const xlsx = await send('GET', '/leads/export?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toMatch(/\.xlsx$/);
    const files = unzipSync(new Uint8Array(await xlsx.arrayBuffer()));
    const sheetRows = strFromU8(files['xl/worksheets/sheet1.xml']).match(/<row>.*?<\/row>/g) ?? [];
    // the header, then the same leads in the same order as the CSV (first cell: the domain)
    const firstCells = sheetRows.map((row) => /<t xml:space="preserve">([^<]*)<\/t>/.exec(row)?.[1]);
    expect(firstCells).toEqual([EXPORT_COLUMNS[0], ...page.leads.map((l) => l.domain)]);
    await expectShape(await send('GET', '/leads/export?format=pdf'), 422, ValidationErrorSchema);
  });

  it('GET /dashboard and /dashboard/kpis count the scanned leads', async () => {
    const all = await expectShape(await send('GET', '/leads?page_size=200'), 200, LeadsPageSchema);
    const d = await expectShape(await send('GET', '/dashboard'), 200, DashboardSchema);
    const count = (s: string) => all.leads.filter((l) => l.segment === s).length;
    const scores = all.leads.map((l) => l.readiness_score);
    expect(d).toEqual({
      total_leads: all.total,
      migration: count('Migration'),
      existing: count('Existing'),
      cold: count('Cold'),
      skip: count('Skip'),
      avg_score: Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100,
      max_score: Math.max(...scores),
      high_priority: all.leads.filter((l) => l.segment === 'Migration' && l.readiness_score >= 70).length,
    });
    const k = await expectShape(await send('GET', '/api/v1/dashboard/kpis'), 200, KpisSchema);
    expect(k).toEqual({ total_leads: d.total_leads, migration_leads: d.migration, high_priority: d.high_priority, max_score: d.max_score });
  });
});

describe('rescans', () => {
  it('POST /scan/{domain}/rescan compares with the previous stored scan', async () => {
    const domain = healthy[3];
    const current = await expectShape(await send('GET', `/leads/${domain}`), 200, LeadRowSchema);
    // an older stored scan that differs: no DKIM, another segment and priority
    const older = buildLead({ ...current, domain, dkim: !current.dkim, segment: current.segment === 'Skip' ? 'Cold' : 'Skip', priority_score: current.priority_score === 7 ? 6 : 7, scanned_at: '2027-01-01T00:00:00.000Z' });
    await stack.runtime.repos!.leads.saveScans([{ jobId: null, position: null, lead: older }]);
    const r = await expectShape(await send('POST', `/scan/${domain}/rescan`), 200, RescanResultSchema);
    expect(r).toMatchObject({ domain, success: true, changes_detected: true, signal_changes: 1, score_changes: 2, alerts_created: 0, error: null });
    expect(r.changes.map((c) => c.type)).toEqual(expect.arrayContaining(['dkim_changed', 'priority_score_changed', 'segment_changed']));
    expect(r.result?.domain).toBe(domain);
  });

  it('POST /scan/{domain}/rescan: a failed scan is 200 success false; an invalid domain 400', async () => {
    if (missing) {
      const r = await expectShape(await send('POST', `/api/v1/scan/${missing}/rescan`), 200, RescanResultSchema);
      expect(r).toMatchObject({ success: false, result: null, changes: [] });
      expect(r.error).toMatch(/domain_not_found/);
    }
    expect(await expectShape(await send('POST', '/scan/not_a_domain/rescan'), 400, DetailSchema)).toEqual({ detail: 'Invalid domain format' });
  });

  it('POST /scan/bulk/rescan is not taken for a job id or a domain; its job is an ordinary bulk job', async () => {
    const started = await expectShape(await send('POST', `/scan/bulk/rescan?domain_list=${healthy[0]},${healthy[1]},bad_one`), 200, BulkRescanStartedSchema);
    expect(started).toMatchObject({ status: 'pending', total: 2, message: 'Bulk rescan job created' });
    expect(started.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await waitFor(async () => ((await (await send('GET', `/scan/bulk/${started.job_id}`)).json()) as { status: string }).status === 'completed', 30_000);
    expect(await expectShape(await send('POST', '/api/v1/scan/bulk/rescan'), 400, DetailSchema)).toEqual({ detail: 'domain_list parameter is required' });
    expect(await expectShape(await send('POST', '/scan/bulk/rescan?domain_list=,bad_one'), 400, DetailSchema)).toEqual({ detail: 'No valid domains provided' });
    const many = Array.from({ length: 1001 }, (_, i) => `d${i}.com`).join(',');
    expect(await expectShape(await send('POST', `/scan/bulk/rescan?domain_list=${many}`), 400, DetailSchema)).toEqual({ detail: 'Maximum 1000 domains per bulk rescan' });
  });
});

describe('CSV upload and /jobs', () => {
  const upload = (path: string, csv: string, name = 'leads.csv') => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), name);
    return fetch(`${base}${path}`, { method: 'POST', body: form });
  };

  it('auto_scan (default on the unversioned path): 202 at once, one bulk job polled to completed', async () => {
    const csv = `\uFEFF Domain ,Company_Name,email\n${healthy[4]},Four Ltd,\nnot a domain,Bad,\n,Nobody,x@${healthy[5]}\n${healthy[4]},Four again,\n`;
    const r = await expectShape(await upload('/ingest/csv', csv), 202, IngestCsvResultSchema);
    expect(r).toMatchObject({ ingested: 3, scanned: 2, total_rows: 4 });
    expect(r.errors).toEqual([expect.stringMatching(/^Row 3: invalid_domain/)]);
    const done = await waitFor(async () => {
      const job = await expectShape(await send('GET', `/jobs/${r.job_id}`), 200, UploadJobSchema);
      return job.status === 'completed' ? job : null;
    }, 30_000);
    expect(done).toMatchObject({ total: 2, processed: 2, successful: 2, failed: 0, progress_percent: 100, remaining: 0 });
    const row = await expectShape(await send('GET', `/leads/${healthy[4]}`), 200, LeadRowSchema);
    expect(row.canonical_name).toBe('Four again');
  });

  it('under /api/v1 auto_scan is off by default: the upload job is completed when ingested', async () => {
    const r = await expectShape(await upload('/api/v1/ingest/csv', `domain\n${healthy[6] ?? 'example.org'}\n`), 202, IngestCsvResultSchema);
    expect(r).toMatchObject({ ingested: 1, scanned: 0, total_rows: 1, errors: null });
    const job = await expectShape(await send('GET', `/api/v1/jobs/${r.job_id}`), 200, UploadJobSchema);
    expect(job).toMatchObject({ status: 'completed', progress_percent: 100, successful: 1 });
  });

  it('auto_detect_columns finds the domain column by content', async () => {
    const r = await expectShape(await upload('/ingest/csv?auto_scan=false&auto_detect_columns=true', 'Firma;Adresse\nAcme;acme-detect.com\nBeta;beta-detect.de\n'), 202, IngestCsvResultSchema);
    expect(r).toMatchObject({ ingested: 2, total_rows: 2 });
  });

  it('with API keys an upload job belongs to the key that sent it', async () => {
    // a second HTTP app over the same services, with two keys (in-process fetch)
    const keyed = createApp({ services: stack.runtime.services, logger: createLogger('silent'), apiKeys: [{ name: 'alice', key: 'alice-key' }, { name: 'bob', key: 'bob-key' }] });
    const form = new FormData();
    form.append('file', new Blob(['domain\nowned-upload.com\n'], { type: 'text/csv' }), 'a.csv');
    const started = await keyed.fetch(new Request('http://test/ingest/csv?auto_scan=false', { method: 'POST', body: form, headers: { 'x-api-key': 'alice-key' } }));
    const { job_id } = await expectShape(started, 202, IngestCsvResultSchema);
    const as = (key: string) => keyed.fetch(new Request(`http://test/jobs/${job_id}`, { headers: { 'x-api-key': key } }));
    await expectShape(await as('alice-key'), 200, UploadJobSchema);
    expect(await expectShape(await as('bob-key'), 404, DetailSchema)).toEqual({ detail: `Job ${job_id} not found` });
  });

  it('400 for a wrong extension, an empty file, no domain column; 422 without a file; 404 unknown job', async () => {
    expect((await upload('/ingest/csv', 'domain\na.com\n', 'leads.txt')).status).toBe(400);
    expect((await upload('/ingest/csv', 'domain\na.com\n', 'leads.xlsx')).status).toBe(400);
    expect((await upload('/ingest/csv', '')).status).toBe(400);
    const noColumn = await expectShape(await upload('/ingest/csv', 'name,city\nAcme,Paris\n'), 400, DetailSchema);
    expect(noColumn.detail).toMatch(/domain column/);
    const form = new FormData();
    form.append('other', 'x');
    await expectShape(await fetch(`${base}/ingest/csv`, { method: 'POST', body: form }), 422, ValidationErrorSchema);
    expect(await expectShape(await send('GET', '/jobs/does-not-exist'), 404, DetailSchema)).toEqual({ detail: 'Job does-not-exist not found' });
    await expectShape(await send('GET', '/jobs/a%00b'), 404, DetailSchema);
  });
});

describe('GraphQL has the same filters, sort and counters', () => {
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await send('POST', '/graphql', { query, variables });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  it('leads(sort, filter.search) pages through the same order as GET /leads; dashboard equals GET /dashboard', async () => {
    const rest = await expectShape(await send('GET', '/leads?sort_by=domain&sort_order=desc&page_size=200'), 200, LeadsPageSchema);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const data: any = await graphql('query($after: String) { leads(sort: { by: DOMAIN, order: DESC }, first: 3, after: $after) { items { domain } endCursor hasNextPage } }', { after });
      seen.push(...data.leads.items.map((l: { domain: string }) => l.domain));
      after = data.leads.hasNextPage ? data.leads.endCursor : null;
    } while (after);
    expect(seen).toEqual(rest.leads.map((l) => l.domain));

    const searched = await graphql('{ leads(filter: { search: "first NAME" }) { items { domain } } }');
    expect(searched.leads.items).toEqual([{ domain: healthy[0] }]);

    const d = await expectShape(await send('GET', '/dashboard'), 200, DashboardSchema);
    const g = await graphql('{ dashboard { totalLeads migration existing cold skip avgScore maxScore highPriority } }');
    expect(g.dashboard).toEqual({
      totalLeads: d.total_leads,
      migration: d.migration,
      existing: d.existing,
      cold: d.cold,
      skip: d.skip,
      avgScore: d.avg_score,
      maxScore: d.max_score,
      highPriority: d.high_priority,
    });
  });
});

describe('small shape fixes and the OpenAPI document', () => {
  it('POST /scan/bulk answers duplicates and a UUID v4 job id; an old 32-hex id is still looked up', async () => {
    const r = await send('POST', '/scan/bulk', { domain_list: [healthy[0], `https://www.${healthy[0]}/x`, healthy[1], 'bad one'] });
    const body = (await r.json()) as { job_id: string; total: number; duplicates: number };
    expect(r.status).toBe(200);
    expect(body).toMatchObject({ total: 2, duplicates: 1 });
    expect(body.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // a 32-hex id is a valid id shape: unknown here, so 404 (not 422)
    expect(await expectShape(await send('GET', `/jobs/${'a'.repeat(32)}`), 404, DetailSchema)).toEqual({ detail: `Job ${'a'.repeat(32)} not found` });
  });

  it('/openapi.json documents every old-client route', async () => {
    const doc = (await (await send('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [route, method] of [
      ['/ingest/domain', 'post'],
      ['/ingest/csv', 'post'],
      ['/leads', 'get'],
      ['/leads/export', 'get'],
      ['/leads/{domain}', 'get'],
      ['/leads/{domain}/score-breakdown', 'get'],
      ['/dashboard', 'get'],
      ['/dashboard/kpis', 'get'],
      ['/jobs/{job_id}', 'get'],
      ['/scan/{domain}/rescan', 'post'],
      ['/scan/bulk/rescan', 'post'],
    ]) {
      expect(doc.paths[route]?.[method], `${method} ${route}`).toBeDefined();
    }
    const listParams = (doc.paths['/leads'].get as { parameters: { name: string; required?: boolean }[] }).parameters;
    expect(listParams.map((p) => p.name).sort()).toEqual(['min_score', 'page', 'page_size', 'provider', 'search', 'segment', 'sort_by', 'sort_order']);
    expect(listParams.filter((p) => p.required)).toEqual([]);
  });
});
