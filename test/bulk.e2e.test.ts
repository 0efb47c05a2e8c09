/**
 * Bulk scans end to end: GraphQL and REST-compat doors, BullMQ worker, real Redis, simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { scanWithRetries } from '../src/scan/scan-domain.js';
import type { Lead } from '../src/scan/scan.types.js';
import { loadCorpus } from './helpers/corpus.js';
import { createTestScanDeps } from './helpers/deps.js';
import { cleanupPrefix, get, gql, post, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';
import { readSse } from './helpers/sse.js';

const corpus = loadCorpus();
const cases = [...corpus, ...generateCases(corpus, 100 - corpus.length)];
const domains = cases.map((c) => c.domain);

let sim: Simulator;
let stack: Stack;
const prefix = uniquePrefix('bulk');

beforeAll(async () => {
  sim = await startSimulator({ cases });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '20' }, heartbeatMs: 500 });
});
afterAll(async () => {
  await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
});

describe('a 100-domain bulk job', () => {
  it('completes with every domain counted once; results equal the single-scan leads; failures carry their category', async () => {
    // single scans first (on a fresh simulator state), for comparison
    const single = new Map<string, Lead>();
    const failedSingle = new Map<string, string>();
    const deps = createTestScanDeps(stack.config);
    await Promise.all(
      domains.map(async (domain) => {
        try {
          single.set(domain, (await scanWithRetries(domain, deps, { retries: 2, backoffMs: 20 })).lead);
        } catch (error) {
          failedSingle.set(domain, (error as { category: string }).category);
        }
      }),
    );
    sim.reset();

    const started = await post(stack.app, '/scan/bulk', { domain_list: [...domains, 'nan', 'https://www.' + domains[0] + '/x'] });
    expect(started.status).toBe(200);
    const body = (await started.json()) as { job_id: string; total: number; rejected: { input: string; error: string }[]; message: string };
    expect(body.message).toBe('Bulk scan job created successfully');
    expect(body.total).toBe(100);
    expect(body.rejected).toEqual([{ input: 'nan', error: 'invalid_domain: "nan" is not a domain' }]);
    expect(body.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // a polling client: results are refused until the job finished
    const early = await get(stack.app, `/scan/bulk/${body.job_id}/results`);
    if (early.status === 400) expect(((await early.json()) as { detail: string }).detail).toMatch(/^Job [0-9a-f-]+ is not completed yet\. Status: (pending|running)$/);

    const status = await waitFor(async () => {
      const r = (await (await get(stack.app, `/scan/bulk/${body.job_id}`)).json()) as Record<string, any>;
      return r.status === 'completed' ? r : undefined;
    }, 60_000);
    expect(status.processed).toBe(100);
    expect(status.succeeded + status.failed).toBe(100);
    expect(status.progress).toBe(100);
    expect(status.started_at).toBeTruthy();
    expect(status.finished_at).toBeTruthy();

    const expectedFailures = corpus.filter((c) => (c.expect as { failed?: boolean }).failed);
    expect(status.failed).toBe(expectedFailures.length);
    for (const c of expectedFailures) {
      const error = status.errors.find((e: { domain: string }) => e.domain === c.domain);
      expect(error, c.domain).toBeDefined();
      expect(error.category).toBe((c.expect as { category: string }).category);
      expect(Object.keys(error).sort()).toEqual(['attempts', 'category', 'code', 'domain', 'error', 'timestamp']);
      expect(failedSingle.get(c.domain)).toBe(error.category);
    }

    const results = (await (await get(stack.app, `/scan/bulk/${body.job_id}/results`)).json()) as { results: Lead[]; total: number; succeeded: number };
    expect(results.total).toBe(100);
    expect(results.results.map((l) => l.domain)).toEqual(domains.filter((d) => single.has(d)));
    for (const lead of results.results) expect(lead).toEqual(single.get(lead.domain));

    // GraphQL shows the same numbers, and pages through the results in submission order
    const q = await gql(stack.app, `query($id: ID!) { bulkScan(id: $id) { status progress total processed succeeded failed errors { domain code category } results(first: 40) { items { domain provider score } endCursor hasNextPage } } }`, { id: body.job_id });
    expect(q.errors).toBeUndefined();
    expect(q.data.bulkScan).toMatchObject({ status: 'completed', progress: 100, total: 100, processed: 100, succeeded: status.succeeded, failed: status.failed });
    expect(q.data.bulkScan.results.items.map((l: Lead) => l.domain)).toEqual(results.results.slice(0, 40).map((l) => l.domain));
    expect(q.data.bulkScan.results.hasNextPage).toBe(true);
    const page2 = await gql(stack.app, `query($id: ID!, $after: String) { bulkScan(id: $id) { results(first: 100, after: $after) { items { domain } hasNextPage } } }`, { id: body.job_id, after: q.data.bulkScan.results.endCursor });
    expect(page2.data.bulkScan.results.items.map((l: Lead) => l.domain)).toEqual(results.results.slice(40).map((l) => l.domain));

    // CSV export of the same rows
    const csv = await get(stack.app, `/scan/bulk/${body.job_id}/results?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['domain', 'score', 'segment']);
    expect(lines.length).toBe(1 + results.results.length);
    expect(lines[1].startsWith(`${results.results[0].domain},${results.results[0].score},`)).toBe(true);
  }, 90_000);

  it('streams progress over SSE: the snapshot first, monotonic progress, a final 100% event; a poller sees the same totals', async () => {
    const start = await gql(stack.app, `mutation($d: [String!]!) { startBulkScan(domains: $d) { total rejected { input error } job { id status } } }`, { d: domains.slice(0, 30) });
    expect(start.errors).toBeUndefined();
    const id = start.data.startBulkScan.job.id;
    const events = await readSse(stack.app, `subscription($id: ID!) { bulkScanProgress(id: $id) { status progress processed total succeeded failed } }`, { id });
    expect(events.length).toBeGreaterThanOrEqual(2);
    const snapshots = events.map((e: any) => e.data.bulkScanProgress);
    for (let i = 1; i < snapshots.length; i++) expect(snapshots[i].processed).toBeGreaterThanOrEqual(snapshots[i - 1].processed);
    const last = snapshots.at(-1);
    expect(last).toMatchObject({ status: 'completed', progress: 100, processed: 30, total: 30 });
    const polled = (await (await get(stack.app, `/api/v1/scan/bulk/${id}`)).json()) as Record<string, number>;
    expect({ processed: polled.processed, succeeded: polled.succeeded, failed: polled.failed }).toEqual({ processed: last.processed, succeeded: last.succeeded, failed: last.failed });
  }, 60_000);

  it('rejects bad lists with 422 and specific reasons', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /field required/],
      [{ domain_list: [] }, /at least 1/],
      [{ domain_list: 'a.com' }, /valid list/],
      [{ domain_list: ['a.com', 5] }, /str type/],
      [{ domain_list: ['nan', 'localhost'] }, /nan: invalid_domain/],
      [{ domain_list: Array.from({ length: 10_001 }, (_, i) => `d${i}.com`) }, /at most 10000/],
    ];
    for (const [body, message] of cases) {
      const r = await post(stack.app, '/scan/bulk', body);
      expect(r.status, JSON.stringify(body).slice(0, 50)).toBe(422);
      const detail = ((await r.json()) as { detail: { msg: string }[] }).detail;
      expect(detail.map((d) => d.msg).join(' | ')).toMatch(message);
    }
    expect((await get(stack.app, '/scan/bulk/00000000000000000000000000000000')).status).toBe(404);
    expect(await (await get(stack.app, '/scan/bulk/nope/results')).json()).toEqual({ detail: 'Job nope not found' });
  });

  it('accepts the `domains` alias of domain_list', async () => {
    const r = await post(stack.app, '/scan/bulk', { domains: [domains[1]] });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { total: number }).total).toBe(1);
  });
});
