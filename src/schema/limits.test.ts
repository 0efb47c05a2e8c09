/**
 * The GraphQL guards on a yoga over the real schema whose services count their calls: every
 * refusal must come before any service is called. (The same limits against a full server:
 * test/doors.e2e.test.ts.)
 */
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../config.js';
import { buildSchema } from './index.js';
import { createGraphQLGuards } from './limits.js';

function setup(env: Record<string, string> = {}) {
  const config = configFromEnv(env);
  let calls = 0;
  const services = new Proxy({}, { get: () => new Proxy({}, { get: () => () => ((calls += 1), Promise.reject(new Error('secret internal detail at /srv/app.ts:1'))) }) });
  const yoga = createYoga({
    schema: buildSchema(),
    plugins: createGraphQLGuards({ limits: config.graphql, weights: { maxBulk: config.jobs.maxBulk } }),
    context: () => ({ services, principal: { keyName: null, address: 'test' } }) as never,
    logging: false,
  });
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const started = performance.now();
    const response = await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
    return { status: response.status, body, ms: performance.now() - started };
  };
  return { post, calls: () => calls };
}

const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

describe('GraphQL guards', () => {
  it.each([
    ['tokens', `{ bulkScan(id: "x") { id ${'@include(if: true) '.repeat(50_000)} } }`],
    ['tokens', `{ ${'a { '.repeat(3000)}b${' }'.repeat(3000)} }`],
    ['tokens', `{ bulkScan(id: ${'['.repeat(5000)}${']'.repeat(5000)}) { id } }`],
    // the 30 KB document of 200 aliased bulkScans: over the tokens first
    ['tokens', `{ ${aliased(200, 'bulkScans { items { results(first: 1000) { items { domain } } } }')} }`],
    ['aliases', `{ ${aliased(16, 'bulkScan(id: "x") { id }')} }`],
    ['depth', '{ bulkScans { items { results { items { domain } } } } __typename a: bulkScan(id: "x") { results { items { domain } } } }'],
    ['directives', `{ bulkScan(id: "x") { ${'id @skip(if: false) '.repeat(60)} } }`],
    ['rows', `{ ${aliased(10, 'bulkScans { items { results(first: 1000) { items { domain } } } }')} }`],
    ['cost', `mutation { ${aliased(2, 'scanDomain(domain: "a.com") { domain }')} }`],
  ])('refuses over the %s limit with 400 QUERY_TOO_COMPLEX before any work', async (limit, query) => {
    const env: Record<string, string> = limit === 'depth' ? { SCOUT_GRAPHQL_MAX_DEPTH: '4' } : limit === 'cost' ? { SCOUT_GRAPHQL_MAX_COST: '10000' } : {};
    const { post, calls } = setup(env);
    const { status, body, ms } = await post(query);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
    expect(body.errors?.[0].message).toMatch(/SCOUT_GRAPHQL_MAX_/);
    expect(calls()).toBe(0);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses 1000 aliased scanDomain and 20 aliased startBulkScan of 500 domains on cost alone', async () => {
    const { post, calls } = setup({ SCOUT_GRAPHQL_MAX_ALIASES: '5000', SCOUT_GRAPHQL_MAX_TOKENS: '20000' });
    const scans = await post(`mutation { ${aliased(1000, 'scanDomain(domain: "a.com") { domain }')} }`);
    expect(scans.status).toBe(400);
    expect(scans.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    const d = Array.from({ length: 500 }, (_, i) => `d${i}.com`);
    const bulks = await post(`mutation($d: [String!]!) { ${aliased(20, 'startBulkScan(domains: $d) { total }')} }`, { d });
    expect(bulks.status).toBe(400);
    expect(bulks.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', found: 20 * 2501 });
    expect(calls()).toBe(0);
  });

  it('lets a full-size job and a 1000-row page through', async () => {
    const { post, calls } = setup();
    const d = Array.from({ length: 10_000 }, (_, i) => `d${i}.com`);
    const bulk = await post('mutation($d: [String!]!) { startBulkScan(domains: $d) { total rejected { input } job { id } } }', { d });
    expect(bulk.body.errors?.[0].extensions.code).toBe('INTERNAL_SERVER_ERROR'); // reached the (failing) service
    const page = await post('query($id: ID!) { bulkScan(id: $id) { status errors { code } results(first: 1000) { items { domain score tags } } } }', { id: 'x' });
    expect(page.body.errors?.[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(calls()).toBe(2);
  });

  it('masks an unexpected error: no internal message, a code on every error', async () => {
    const { post } = setup();
    const { body } = await post('{ bulkScan(id: "x") { id } }');
    expect(body.errors).toHaveLength(1);
    expect(JSON.stringify(body)).not.toMatch(/secret|srv|\.ts/);
    expect(body.errors?.[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('codes variable errors BAD_USER_INPUT and parse errors GRAPHQL_PARSE_FAILED', async () => {
    const { post } = setup();
    const variable = await post('query($n: Int) { leads(first: $n) { items { domain } } }', { n: 'many' });
    expect(variable.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const parse = await post('{ leads(');
    expect(parse.body.errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('NODE_ENV=production turns introspection and suggestions off; each can be turned back on', async () => {
    const prod = setup({ NODE_ENV: 'production' });
    const introspection = await prod.post('{ __schema { queryType { name } } }');
    expect(introspection.body.errors?.[0].message).toMatch(/introspection has been disabled/);
    expect(introspection.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await prod.post('{ bulkScna(id: "x") { id } }');
    expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean/);
    const enumTypo = await prod.post('query($p: Provider) { leads(filter: { provider: $p }) { items { domain } } }', { p: 'Googl' });
    expect(enumTypo.body.errors?.[0].message).not.toMatch(/Did you mean/);

    const dev = setup({ NODE_ENV: 'production', SCOUT_INTROSPECTION: 'on', SCOUT_GRAPHQL_SUGGESTIONS: 'on' });
    expect((await dev.post('{ __schema { queryType { name } } }')).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await dev.post('{ bulkScna(id: "x") { id } }')).body.errors?.[0].message).toMatch(/Did you mean "bulkScan"/);
  });
});
