/**
 * The first API door: `Mutation.scanDomain` and `POST /scan/domain` return the same lead for the
 * same domain, over real HTTP; bad input and failed scans get clear errors, never a stack trace.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanWithRetries } from '../src/scan/scan-domain.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { createTestScanDeps } from './helpers/deps.js';
import { createTestClient, requestGraphQL } from './helpers/graphql-client.js';
import { cleanupPrefix, startStack, uniquePrefix, type Stack } from './helpers/stack.js';

const corpus = loadCorpus();
let sim: Simulator;
let stack: Stack;
let server: Server;
let base: string;
const prefix = uniquePrefix('single');

beforeAll(async () => {
  sim = await startSimulator({ cases: corpus });
  stack = await startStack(sim, prefix, { worker: false });
  server = createServer(stack.app.handleNodeRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
});

const postJson = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** GraphQL to the listening server through graphql-request. */
const graphql = () => createTestClient({ url: `${base}/graphql` });

const LEAD_SELECTION = `domain score readinessScore segment reason provider providerConfidence localProvider tenantSize mxRoot mxHosts mailGateway
  spf spfIncludes dkim dkimSelector dmarcPolicy dmarcCoverage registrar createdAt expiresAt nameservers whoisSource scanStatus scannedAt
  priorityScore technicalHeat commercialSegment commercialHeat priorityCategory priorityLabel tags`;

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

describe('single scans over HTTP', () => {
  const healthy = corpus.filter((c) => !(c.expect as { failed?: boolean }).failed && !c.whois?.fault).slice(0, 12);

  it.each(healthy.map((c) => [c.kind, c.domain]))('%s %s: GraphQL scanDomain, REST /scan/domain and scanDomain() agree', async (_kind, domain) => {
    const rest = await postJson('/scan/domain', { domain: `https://www.${domain}/contact` });
    expect(rest.status).toBe(200);
    const restLead = (await rest.json()) as Record<string, unknown>;

    const gql = (await requestGraphQL(graphql(), `mutation($d: String!) { scanDomain(domain: $d) { ${LEAD_SELECTION} } }`, { d: domain.toUpperCase() })) as unknown as { data: { scanDomain: Record<string, unknown> } };
    const direct = (await scanWithRetries(domain, createTestScanDeps(stack.config), { retries: 2, backoffMs: 20 })).lead as unknown as Record<string, unknown>;

    // every field of the contract is present (null where unknown)
    expect(Object.keys(restLead).sort()).toEqual(Object.keys(direct).sort());
    expect(restLead).toEqual(direct);
    for (const [key, value] of Object.entries(direct)) expect(gql.data.scanDomain[camel(key)], key).toEqual(value);
  });

  it('answers 422 with the reason for an invalid domain, on both paths and under /api/v1', async () => {
    for (const path of ['/scan/domain', '/api/v1/scan/domain']) {
      const r = await postJson(path, { domain: 'nan' });
      expect(r.status).toBe(422);
      expect(await r.json()).toEqual({ detail: [{ loc: ['body', 'domain'], msg: 'invalid_domain: "nan" is not a domain', type: 'value_error.domain' }] });
    }
    const missing = await postJson('/scan/domain', {});
    expect(missing.status).toBe(422);
    const notJson = await fetch(`${base}/scan/domain`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(422);
    const g = (await requestGraphQL(graphql(), 'mutation { scanDomain(domain: "192.0.2.1") { domain } }')) as unknown as { errors: { message: string; extensions: { code: string } }[] };
    expect(g.errors[0]).toMatchObject({ message: 'invalid_domain: an IP address is not a domain', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('reports a permanent failure as 422 and a transient one as 503, with category and code', async () => {
    const nx = corpus.find((c) => c.kind === 'nxdomain')!;
    const r1 = await postJson('/scan/domain', { domain: nx.domain });
    expect(r1.status).toBe(422);
    expect(await r1.json()).toMatchObject({ category: 'permanent', code: 'domain_not_found', detail: expect.stringContaining(nx.domain) });

    const servfail = corpus.find((c) => c.kind === 'servfail')!;
    const r2 = await postJson('/scan/domain', { domain: servfail.domain });
    expect(r2.status).toBe(503);
    const body = (await r2.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ category: 'transient', code: 'dns_servfail', attempts: 3 });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);

    const g = (await requestGraphQL(graphql(), `mutation { scanDomain(domain: "${servfail.domain}") { domain } }`)) as unknown as { errors: { extensions: Record<string, unknown> }[] };
    expect(g.errors[0].extensions).toMatchObject({ code: 'dns_servfail', category: 'transient' });
  });

  it('serves /healthz and 404s unknown paths', async () => {
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok', checks: { redis: 'ok' } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/scan/domain`)).status).toBe(405);
  });

  it('says how long the app took in Server-Timing, on REST and GraphQL responses', async () => {
    const durationOf = (r: Response) => Number(/^app;dur=(\d+(\.\d+)?)$/.exec(r.headers.get('server-timing') ?? '')?.[1]);
    const rest = await fetch(`${base}/nope`);
    const graphql = await postJson('/graphql', { query: '{ __typename }' });
    for (const r of [rest, graphql]) {
      expect(durationOf(r)).toBeGreaterThanOrEqual(0);
      expect(durationOf(r)).toBeLessThan(5000);
    }
  });
});
