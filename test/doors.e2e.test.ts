/**
 * Doors that hold, against a real server listening on 127.0.0.1 (simulator, Redis, PostgreSQL):
 * the GraphQL limits (the issue's attack documents answered 400 quickly, the process alive,
 * memory bounded, no work done), per-caller quotas shared by REST and GraphQL (429 with
 * Retry-After / RATE_LIMITED), error hygiene (malformed ids, cursors, dates and NULs answer 4xx
 * or BAD_USER_INPUT with a reason, never a stack), echoed input truncated, and production mode
 * (no GraphiQL, introspection or suggestions).
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, startStack, uniquePrefix, type Stack } from './helpers/stack.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `doors_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const KEYS = 'alice:alice-door-key,bob:bob-door-key,carol:carol-door-key,dave:dave-door-key';
const ALICE = { 'x-api-key': 'alice-door-key' };
const BOB = { 'x-api-key': 'bob-door-key' };
const CAROL = { 'x-api-key': 'carol-door-key' };
const DAVE = { 'x-api-key': 'dave-door-key' };

interface Listening {
  stack: Stack;
  server: Server;
  base: string;
  prefix: string;
}

async function listen(stack: Stack, prefix: string): Promise<Listening> {
  const server = createServer(stack.app.handleNodeRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { stack, server, prefix, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(l: Listening | undefined) {
  if (!l) return;
  await new Promise((resolve) => l.server.close(resolve));
  await cleanupPrefix(l.stack.runtime, l.prefix);
  await l.stack.close();
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
  ms: number;
}

/** One request with the path sent byte for byte (fetch would normalise `%zz`). */
function raw(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const gql = (l: Listening, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  raw(l.base, 'POST', '/graphql', JSON.stringify({ query, variables }), headers);

/** Nothing internal in a response: no stack frame, file path, SQL or driver message. */
function expectClean(answer: Answer) {
  expect(answer.text).not.toMatch(/\bat .+:\d+:\d+|\.ts:\d|node_modules|\/src\/|SELECT |INSERT |syntax for type|invalid input syntax|ECONN|Unexpected error\./);
}

const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

let sim: Simulator;
let db: Db;
let open: Listening;
let keyed: Listening;
let production: Listening;
let anonymous: Listening;
const domains = generateCases(loadCorpus(), 4).map((c) => c.domain);

beforeAll(async () => {
  sim = await startSimulator({ cases: generateCases(loadCorpus(), 4) });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  const openPrefix = uniquePrefix('doors');
  open = await listen(await startStack(sim, openPrefix, { worker: false, db }), openPrefix);
  const keyedPrefix = uniquePrefix('doors-keyed');
  const quotas = { SCOUT_QUOTA_JOBS_PER_MINUTE: '4', SCOUT_QUOTA_RUNNING_JOBS: '3', SCOUT_QUOTA_DOMAINS_PER_HOUR: '30' };
  keyed = await listen(
    await startStack(sim, keyedPrefix, { worker: false, db, env: { SCOUT_API_KEYS: KEYS, ...quotas }, app: { apiKeys: parseApiKeys(KEYS) } }),
    keyedPrefix,
  );
  const anonPrefix = uniquePrefix('doors-anon');
  anonymous = await listen(await startStack(sim, anonPrefix, { worker: false, env: { SCOUT_QUOTA_JOBS_PER_MINUTE: '1' } }), anonPrefix);
  const prodPrefix = uniquePrefix('doors-prod');
  production = await listen(await startStack(sim, prodPrefix, { worker: false, env: { NODE_ENV: 'production' } }), prodPrefix);
}, 60_000);

afterAll(async () => {
  await stop(open);
  await stop(keyed);
  await stop(production);
  await stop(anonymous);
  await db?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  await sim?.close();
});

describe('GraphQL limits', () => {
  const attacks: [string, () => string][] = [
    ['950 KB of 50 000 @include(if: true)', () => `{ bulkScans { items { id ${'@include(if: true) '.repeat(50_000)} } } }`],
    ['200 aliased bulkScans { items { results(first: 1000) } }', () => `{ ${aliased(200, 'bulkScans { items { results(first: 1000) { items { domain score tags } } } }')} }`],
    ['a selection nested 3000 deep', () => `{ ${'bulkScans { items { '.repeat(1500)}id${' } }'.repeat(1500)} }`],
    ['a list nested 5000 deep', () => `{ bulkScan(id: ${'['.repeat(5000)}${']'.repeat(5000)}) { id } }`],
    ['1000 aliased scanDomain', () => `mutation { ${aliased(1000, `scanDomain(domain: "${domains[0]}") { domain }`)} }`],
    ['20 aliased startBulkScan of 500 domains', () => `mutation { ${aliased(20, 'startBulkScan(domains: $d) { total }')} }`.replace('mutation {', 'mutation($d: [String!]!) {')],
    ['10 pages of 20 jobs x 1000 results', () => `{ ${aliased(10, 'bulkScans(first: 20) { items { results(first: 1000) { items { domain } } } }')} }`],
    ['5 aliased scanDomain (cost: at most 4 scans a request)', () => `mutation { ${aliased(5, `scanDomain(domain: "${domains[0]}") { domain }`)} }`],
  ];

  it.each(attacks)('%s: 400 QUERY_TOO_COMPLEX within a second, no work done, the server alive', async (_name, document) => {
    sim.reset();
    const heapBefore = process.memoryUsage().heapUsed;
    const d = Array.from({ length: 500 }, (_, i) => `d${i}-${domains[0]}`);
    const answer = await gql(open, document(), { d });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(answer.body.errors[0].message).toMatch(/SCOUT_GRAPHQL_MAX_\w+=\d+/);
    expect(answer.ms).toBeLessThan(1000);
    expectClean(answer);
    expect(sim.log()).toHaveLength(0); // not one DNS/WHOIS/RDAP query
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    const jobs = await gql(open, '{ bulkScans(first: 50) { items { id } } }');
    expect(jobs.body.data.bulkScans.items).toEqual([]);
    expect((await raw(open.base, 'GET', '/healthz')).status).toBe(200);
  });

  it('a full-size page and a 10 000-domain job are not refused', async () => {
    const page = await gql(open, '{ leads(first: 1000) { items { domain score tags } } bulkScans(first: 100) { items { id status } } }');
    expect(page.body.errors).toBeUndefined();
    const list = Array.from({ length: 10_000 }, (_, i) => `big${i}.com`);
    const big = await gql(open, 'mutation($d: [String!]!) { startBulkScan(domains: $d) { total rejected { input } job { id } } }', { d: list });
    expect(big.body.errors).toBeUndefined();
    expect(big.body.data.startBulkScan.total).toBe(10_000);
    await gql(open, 'mutation($id: ID!) { cancelBulkScan(id: $id) { status } }', { id: big.body.data.startBulkScan.job.id });
  });
});

describe('quotas per key, shared by REST and GraphQL', () => {
  const startRest = (headers: Record<string, string>, list: string[]) => raw(keyed.base, 'POST', '/scan/bulk', JSON.stringify({ domain_list: list }), headers);
  const startGql = (headers: Record<string, string>, list: string[]) =>
    gql(keyed, 'mutation($d: [String!]!) { startBulkScan(domains: $d) { job { id } } }', { d: list }, headers);
  const cancel = (headers: Record<string, string>, id: string) => gql(keyed, 'mutation($id: ID!) { cancelBulkScan(id: $id) { status } }', { id }, headers);

  it('running jobs, then job creations per minute, for alice only; bob has his own domains per hour', async () => {
    const two = domains.slice(0, 2);
    const ids: string[] = [];
    const a1 = await startRest(ALICE, two);
    expect(a1.status).toBe(200);
    ids.push(a1.body.job_id);
    const a2 = await startGql(ALICE, two);
    expect(a2.body.errors).toBeUndefined();
    ids.push(a2.body.data.startBulkScan.job.id);
    const a3 = await startRest(ALICE, two);
    ids.push(a3.body.job_id);

    // a fourth while three are pending: the running-jobs quota, at either door
    const running = await startRest(ALICE, two);
    expect(running.status).toBe(429);
    expect(Number(running.headers['retry-after'])).toBeGreaterThan(0);
    expect(running.body).toMatchObject({ quota: 'running_jobs', limit: 3 });
    expect(running.body.detail).toMatch(/SCOUT_QUOTA_RUNNING_JOBS/);
    const runningGql = await startGql(ALICE, two);
    expect(runningGql.status).toBe(429);
    expect(runningGql.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', quota: 'running_jobs' });
    expect(runningGql.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);

    // one finishes (cancelled): a slot frees, and the fourth creation of the minute passes
    expect((await cancel(ALICE, ids[0])).body.data.cancelBulkScan.status).toBe('cancelled');
    const a4 = await startGql(ALICE, two);
    expect(a4.body.errors).toBeUndefined();
    await cancel(ALICE, ids[1]);
    // a fifth creation within the minute: the jobs-per-minute quota
    const perMinute = await startRest(ALICE, two);
    expect(perMinute.status).toBe(429);
    expect(perMinute.body.quota).toBe('jobs_per_minute');
    const retryAfter = Number(perMinute.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // bob is another caller: 25 of his 30 domains an hour, then a job of 10 is refused
    const many = Array.from({ length: 25 }, (_, i) => `bob${i}.com`);
    expect((await startRest(BOB, many)).status).toBe(200);
    const over = await startGql(BOB, Array.from({ length: 10 }, (_, i) => `bob-more${i}.com`));
    expect(over.status).toBe(429);
    expect(over.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', quota: 'domains_per_hour' });
    expect(over.body.errors[0].extensions.retryAfter).toBeGreaterThan(60);
    // a job larger than the whole hourly quota can never pass: 422 with the reason
    const tooBig = await startRest(BOB, Array.from({ length: 31 }, (_, i) => `bob-huge${i}.com`));
    expect(tooBig.status).toBe(422);
    expect(JSON.stringify(tooBig.body)).toMatch(/SCOUT_QUOTA_DOMAINS_PER_HOUR/);
  });

  it('without keys the quotas count per client address', async () => {
    const list = JSON.stringify({ domain_list: domains.slice(0, 1) });
    expect((await raw(anonymous.base, 'POST', '/scan/bulk', list)).status).toBe(200);
    const second = await raw(anonymous.base, 'POST', '/scan/bulk', list);
    expect(second.status).toBe(429);
    expect(second.body.quota).toBe('jobs_per_minute');
    // a bulk rescan is a bulk job too: the same budget, not a way around it
    const rescan = await raw(anonymous.base, 'POST', `/scan/bulk/rescan?domain_list=${domains.slice(0, 2).join(',')}`);
    expect(rescan.status).toBe(429);
    expect(rescan.body.quota).toBe('jobs_per_minute');
    // another address (an in-process caller is 'local') has its own budget
    const local = await anonymous.stack.app.fetch(new Request('http://local/scan/bulk', { method: 'POST', headers: { 'content-type': 'application/json' }, body: list }));
    expect(local.status).toBe(200);
  });

  it('a streamed upload counts its domains as they arrive: over the hourly quota it is refused with 429', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `carol${i}.com`).join('\n');
    const upload = await raw(keyed.base, 'POST', '/scan/bulk', lines, { ...CAROL, 'content-type': 'text/plain' });
    expect(upload.status).toBe(429);
    expect(upload.body).toMatchObject({ quota: 'domains_per_hour' });
    expect(Number(upload.headers['retry-after'])).toBeGreaterThan(0);
    // the job it had opened ended failed, so it holds no running slot
    const jobs = await gql(keyed, '{ bulkScans(first: 10) { items { status } } }', {}, CAROL);
    expect(jobs.body.data.bulkScans.items.every((j: { status: string }) => j.status === 'failed')).toBe(true);
  });

  it('a streamed upload counts distinct domains against the hourly quota: repeats cost nothing', async () => {
    // 6 domains, each 20 times (120 lines), under a quota of 30
    const repeated = Array.from({ length: 120 }, (_, i) => `dave${i % 6}.com`).join('\n');
    const first = await raw(keyed.base, 'POST', '/scan/bulk', repeated, { ...DAVE, 'content-type': 'text/plain' });
    expect(first.status).toBeLessThan(300);
    expect(first.body).toMatchObject({ total: 6 });
    // 24 more distinct domains fill the quota exactly; one more is over it
    const more = Array.from({ length: 24 }, (_, i) => `dave-more${i}.com`).join('\n');
    expect((await raw(keyed.base, 'POST', '/scan/bulk', more, { ...DAVE, 'content-type': 'text/plain' })).status).toBeLessThan(300);
    const over = await raw(keyed.base, 'POST', '/scan/bulk', 'dave-over.com', { ...DAVE, 'content-type': 'text/plain' });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ quota: 'domains_per_hour' });
  });
});

describe('error hygiene', () => {
  it.each(['/scan/bulk/%', '/scan/bulk/%zz', '/scan/bulk/%E0%A4%A', '/scan/bulk/a%00b', '/scan/bulk/%00/results', `/scan/bulk/${'x'.repeat(5000)}`, '/api/v1/scan/bulk/%'])(
    'GET %s answers 4xx JSON with a reason, no stack',
    async (path) => {
      const answer = await raw(open.base, 'GET', path);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers['content-type']).toMatch(/json/);
      expect(answer.body.detail).toBeTruthy();
      expect(answer.text.length).toBeLessThan(1000);
      expectClean(answer);
    },
  );

  const badInputs: [string, string, Record<string, unknown>][] = [
    ['a date that is not one', '{ leads(filter: { scannedSince: "not-a-date" }) { items { domain } } }', {}],
    ['a NUL in a tag', 'query($t: String) { leads(filter: { tag: $t }) { items { domain } } }', { t: 'migration\u0000ready' }],
    ['a forged leads cursor', '{ leads(after: "forged") { items { domain } } }', {}],
    ['a forged bulkScans cursor', 'query($c: String) { bulkScans(after: $c) { items { id } } }', { c: Buffer.from('["not-a-date","x"]').toString('base64url') }],
    ['a bulkScans cursor with a NUL', 'query($c: String) { bulkScans(after: $c) { items { id } } }', { c: Buffer.from('["2026-01-01T00:00:00Z","a\\u0000"]').toString('base64url') }],
    ['a leads cursor with a huge number', 'query($c: String) { leads(after: $c) { items { domain } } }', { c: Buffer.from('[1e300,"a.com"]').toString('base64url') }],
    ['a page size of 0', '{ leads(first: 0) { items { domain } } }', {}],
    ['a results cursor that is not one', 'query($id: ID!) { bulkScan(id: $id) { results(after: "%%%") { items { domain } } } }', { id: 'x' }],
    ['a NUL in a lead domain', 'query($d: String!) { lead(domain: $d) { lead { domain } } }', { d: 'a\u0000.com' }],
  ];

  it.each(badInputs)('%s: BAD_USER_INPUT with the reason', async (_name, query, variables) => {
    const answer = await gql(open, query, variables);
    expect(answer.status).toBeLessThan(500);
    expectClean(answer);
    const error = answer.body.errors?.[0];
    // an unknown job reads as null, not as an error
    if (query.includes('bulkScan(id')) {
      expect(answer.body.data?.bulkScan ?? null).toBeNull();
      return;
    }
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('a NUL in a job id: bulkScan null, cancelBulkScan NOT_FOUND', async () => {
    const read = await gql(open, 'query($id: ID!) { bulkScan(id: $id) { id } }', { id: 'abc\u0000def' });
    expect(read.body).toEqual({ data: { bulkScan: null } });
    const cancel = await gql(open, 'mutation($id: ID!) { cancelBulkScan(id: $id) { id } }', { id: '\u0000' });
    expect(cancel.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expectClean(cancel);
  });

  it('every GraphQL error carries extensions.code', async () => {
    for (const query of ['{ nope }', '{ leads(', 'query($x: Int!) { leads(first: $x) { items { domain } } }', '{ bulkScan { id } }', 'subscription { bulkScanProgress(id: "x") { id } }']) {
      const answer = await gql(open, query);
      expect(answer.body.errors?.length).toBeGreaterThan(0);
      for (const error of answer.body.errors) expect(typeof error.extensions?.code).toBe('string');
    }
  });

  it('a rejected 1 MB bulk entry comes back as 200 characters, not 1 MB', async () => {
    const huge = `${'x'.repeat(1024 * 1024)}.com`;
    const rest = await raw(open.base, 'POST', '/scan/bulk', JSON.stringify({ domain_list: [domains[0], huge] }));
    expect(rest.status).toBe(200);
    expect(rest.text.length).toBeLessThan(2000);
    expect(rest.body.rejected[0].input.length).toBeLessThan(260);
    const none = await raw(open.base, 'POST', '/scan/bulk', JSON.stringify({ domain_list: [huge] }));
    expect(none.status).toBe(422);
    expect(none.text.length).toBeLessThan(2000);
    const graphql = await gql(open, 'mutation($d: [String!]!) { startBulkScan(domains: $d) { rejected { input error } job { id } } }', { d: [domains[1], huge] });
    expect(graphql.text.length).toBeLessThan(2000);
    expect(graphql.body.data.startBulkScan.rejected[0].input.length).toBeLessThan(260);
  });
});

describe('production mode', () => {
  it('NODE_ENV=production: no GraphiQL, no introspection, no suggestions', async () => {
    const page = await raw(production.base, 'GET', '/graphql', undefined, { accept: 'text/html' });
    expect(page.text).not.toMatch(/<html|<script/i);
    expect(page.status).toBe(406);
    expect(page.body.errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
    const introspection = await gql(production, '{ __schema { types { name } } }');
    expect(introspection.body.errors[0].message).toMatch(/introspection has been disabled/);
    expect(introspection.body.data).toBeUndefined();
    const typo = await gql(production, '{ bulkScna(id: "x") { id } }');
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
    // the same typo in development mode gets its hint
    expect((await gql(open, '{ bulkScna(id: "x") { id } }')).body.errors[0].message).toMatch(/Did you mean "bulkScan"/);
  });
});
