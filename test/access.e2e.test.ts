/**
 * Access control at every door, against a real listening server: API keys (`name:key`) on REST,
 * GraphQL queries and mutations, SSE and WebSocket subscriptions; jobs owned by the key that
 * created them; the CORS allow-list and preflights; the streaming body cap; CSRF (a browser's
 * "simple" form or text POST runs nothing).
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseApiKeys } from '../src/auth/api-keys.js';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { attachWebSocket } from '../src/ws.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `access_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const ALLOWED_ORIGIN = 'http://dashboard.example.test';
const MAX_BODY = 64 * 1024;
const KEYS = 'alice:alice-secret-key,bob:bob-secret-key';
const ALICE = { 'x-api-key': 'alice-secret-key' };
const BOB = { 'x-api-key': 'bob-secret-key' };

const domains = generateCases(loadCorpus(), 6).map((c) => c.domain);

interface Listening {
  stack: Stack;
  server: Server;
  base: string;
  ws?: { close(): Promise<void> };
}

async function listen(stack: Stack, withWs = false): Promise<Listening> {
  const server = createServer(stack.app.handleNodeRequest);
  const ws = withWs ? attachWebSocket(server, stack.app, stack.config.apiKeys) : undefined;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { stack, server, ws, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(l: Listening | undefined, prefix: string) {
  if (!l) return;
  await l.ws?.close();
  await new Promise((resolve) => l.server.close(resolve));
  await cleanupPrefix(l.stack.runtime, prefix);
  await l.stack.close();
}

let sim: Simulator;
let db: Db;
let keyed: Listening;
let open: Listening;
const keyedPrefix = uniquePrefix('access');
const openPrefix = uniquePrefix('access-open');

beforeAll(async () => {
  sim = await startSimulator({ cases: generateCases(loadCorpus(), 6) });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  const keyedStack = await startStack(sim, keyedPrefix, {
    worker: false,
    db,
    env: { SCOUT_API_KEYS: KEYS },
    app: { apiKeys: parseApiKeys(KEYS), corsOrigins: [ALLOWED_ORIGIN], maxBodyBytes: MAX_BODY },
  });
  keyed = await listen(keyedStack, true);
  open = await listen(await startStack(sim, openPrefix, { worker: false }));
}, 60_000);

afterAll(async () => {
  await stop(keyed, keyedPrefix);
  await stop(open, openPrefix);
  await db?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  await sim?.close();
});

const postJson = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function graphql(base: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const r = await postJson(base, '/graphql', { query, variables }, headers);
  return { status: r.status, body: (await r.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

async function startJobAs(headers: Record<string, string>): Promise<string> {
  const r = await postJson(keyed.base, '/scan/bulk', { domain_list: domains.slice(0, 3) }, headers);
  expect(r.status).toBe(200);
  return ((await r.json()) as { job_id: string }).job_id;
}

describe('API keys at every door', () => {
  it('refuses a request without a key, or with a wrong one, with 401 and a JSON reason', async () => {
    const doors: [string, RequestInit][] = [
      ['/scan/domain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain: domains[0] }) }],
      ['/scan/bulk', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain_list: domains }) }],
      ['/api/v1/scan/bulk/0123', {}],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ bulkScans { items { id } } }' }) }],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { startBulkScan(domains: ["a.com"]) { total } }' }) }],
      [
        '/graphql',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: 'subscription { bulkScanProgress(id: "x") { status } }' }),
        },
      ],
    ];
    for (const [path, init] of doors) {
      for (const key of [undefined, 'not-a-key']) {
        const headers = new Headers(init.headers);
        if (key) headers.set('x-api-key', key);
        const r = await fetch(`${keyed.base}${path}`, { ...init, headers });
        expect(r.status, `${path} ${key ?? 'no key'}`).toBe(401);
        const body = (await r.json()) as { detail: string };
        expect(body.detail).toMatch(key ? /Invalid API key/ : /Missing API key/);
      }
    }
    // nothing was queued by any of them
    const keysAfter = await keyed.stack.runtime.redis.keys(`{${keyedPrefix}}:*job:*`);
    expect(keysAfter).toEqual([]);
  });

  it('serves health, the OpenAPI document and preflights without a key', async () => {
    expect((await fetch(`${keyed.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${keyed.base}/openapi.json`)).status).toBe(200);
    const preflight = await fetch(`${keyed.base}/scan/bulk`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
    });
    expect(preflight.status).toBe(204);
  });

  it('accepts the key in X-API-Key and as a Bearer token', async () => {
    expect((await postJson(keyed.base, '/scan/bulk', { domain_list: [domains[0]] }, ALICE)).status).toBe(200);
    expect((await postJson(keyed.base, '/scan/bulk', { domain_list: [domains[0]] }, { authorization: 'Bearer bob-secret-key' })).status).toBe(200);
  });

  it('WebSocket: a connection_init without a valid key is closed with 4403; with one, it subscribes', async () => {
    const url = `${keyed.base.replace('http', 'ws')}/graphql`;
    const closeCode = (connectionParams: Record<string, unknown>) =>
      new Promise<number>((resolve) => {
        const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, on: { closed: (e) => resolve((e as { code: number }).code) } });
        client.subscribe({ query: '{ __typename }' }, { next: () => {}, error: () => {}, complete: () => {} });
      });
    expect(await closeCode({})).toBe(4403);
    expect(await closeCode({ apiKey: 'nope' })).toBe(4403);

    const id = await startJobAs(ALICE);
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { apiKey: 'alice-secret-key' }, retryAttempts: 0 });
    const first = await new Promise<any>((resolve, reject) => {
      const dispose = client.subscribe(
        { query: 'subscription($id: ID!) { bulkScanProgress(id: $id) { id status total } }', variables: { id } },
        { next: (value) => (dispose(), resolve(value)), error: reject, complete: () => {} },
      );
    });
    expect(first.data.bulkScanProgress).toMatchObject({ id, status: 'pending', total: 3 });
    // bob's socket subscribing to alice's job gets NOT_FOUND and no event
    const bobClient = createClient({ url, webSocketImpl: WebSocket, connectionParams: { apiKey: 'bob-secret-key' }, retryAttempts: 0 });
    const bobResult = await new Promise<any>((resolve) => {
      bobClient.subscribe(
        { query: 'subscription($id: ID!) { bulkScanProgress(id: $id) { id status } }', variables: { id } },
        { next: (value) => resolve(value), error: (error) => resolve({ error }), complete: () => resolve({ completed: true }) },
      );
    });
    expect(bobResult.data ?? null).toBeNull();
    expect(JSON.stringify(bobResult)).toMatch(/NOT_FOUND|not found/);
    await client.dispose();
    await bobClient.dispose();
  });
});

describe('jobs belong to the key that created them', () => {
  it("another key's job is not found on REST, null in GraphQL, cannot be cancelled, and is not listed", async () => {
    const aliceJob = await startJobAs(ALICE);
    const gqlJob = (await graphql(keyed.base, 'mutation($d: [String!]!) { startBulkScan(domains: $d) { job { id } } }', { d: domains.slice(3, 5) }, ALICE)).body.data
      .startBulkScan.job.id as string;

    for (const id of [aliceJob, gqlJob]) {
      expect((await fetch(`${keyed.base}/scan/bulk/${id}`, { headers: ALICE })).status).toBe(200);
      for (const path of [`/scan/bulk/${id}`, `/scan/bulk/${id}/results`, `/api/v1/scan/bulk/${id}`]) {
        const r = await fetch(`${keyed.base}${path}`, { headers: BOB });
        expect(r.status, path).toBe(404);
        expect(await r.json()).toEqual({ detail: `Job ${id} not found` });
      }
      const seen = await graphql(keyed.base, 'query($id: ID!) { bulkScan(id: $id) { id status } }', { id }, BOB);
      expect(seen.body).toEqual({ data: { bulkScan: null } });

      const cancel = await graphql(keyed.base, 'mutation($id: ID!) { cancelBulkScan(id: $id) { status } }', { id }, BOB);
      expect(cancel.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const still = await graphql(keyed.base, 'query($id: ID!) { bulkScan(id: $id) { status } }', { id }, ALICE);
      expect(still.body.data.bulkScan.status).toBe('pending');

      const sse = await fetch(`${keyed.base}/graphql`, {
        method: 'POST',
        headers: { ...BOB, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription($id: ID!) { bulkScanProgress(id: $id) { status } }', variables: { id } }),
      });
      const text = await sse.text();
      expect(text).not.toMatch(/"status"/);
      expect(text).toMatch(/NOT_FOUND/);
    }

    // the job history lists each key's own jobs only (from the database)
    await waitFor(async () => {
      const listed = await graphql(keyed.base, '{ bulkScans(first: 50) { items { id } } }', {}, ALICE);
      const ids = (listed.body.data?.bulkScans.items ?? []).map((j: { id: string }) => j.id);
      return ids.includes(aliceJob) && ids.includes(gqlJob);
    }, 15_000);
    const bobs = await graphql(keyed.base, '{ bulkScans(first: 50) { items { id } } }', {}, BOB);
    const bobIds = bobs.body.data.bulkScans.items.map((j: { id: string }) => j.id);
    expect(bobIds).not.toContain(aliceJob);
    expect(bobIds).not.toContain(gqlJob);
  });

  it('the owner is the key name, never the key', async () => {
    const id = await startJobAs(BOB);
    const snapshot = await keyed.stack.runtime.store.snapshot(id);
    expect(snapshot?.submittedBy).toBe('bob');
  });
});

describe('browser safety', () => {
  it('CORS: an allowed origin gets its own origin back and no credentials; any other gets no CORS headers', async () => {
    const allowed = await fetch(`${keyed.base}/scan/bulk/x`, { headers: { ...ALICE, origin: ALLOWED_ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/content-disposition/);

    const evil = await fetch(`${keyed.base}/scan/bulk/x`, { headers: { ...ALICE, origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await fetch(`${keyed.base}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("a page's form or text POST (no preflight) starts nothing: GraphQL 403, REST 422", async () => {
    const before = await open.stack.runtime.redis.keys(`{${openPrefix}}:*`);
    const form = await fetch(`${open.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'mutation { startBulkScan(domains: ["a.com"]) { total } }' }).toString(),
    });
    expect(form.status).toBe(403);
    const text = await fetch(`${open.base}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { startBulkScan(domains: ["a.com"]) { total } }' }) });
    expect(text.status).toBe(403);
    const restForm = await fetch(`${open.base}/scan/domain`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'domain=a.com' });
    expect(restForm.status).toBe(422);
    expect(JSON.stringify(await restForm.json())).toMatch(/application\/json/);
    const after = await open.stack.runtime.redis.keys(`{${openPrefix}}:*`);
    expect(after.length).toBe(before.length);
    // a JSON POST still works without keys (the laptop setup)
    const ok = await postJson(open.base, '/graphql', { query: 'mutation { startBulkScan(domains: ["a.com"]) { total } }' });
    expect(((await ok.json()) as any).data.startBulkScan.total).toBe(1);
  });
});

describe('body cap', () => {
  /** A POST whose body streams in chunks with no Content-Length; resolves with status and body. */
  function postChunked(base: string, path: string, chunks: number, chunkBytes: number) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(path, base);
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...ALICE } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          sent++;
          if (!req.write('{"x":"' + 'a'.repeat(chunkBytes) + '"}')) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  it('answers 413 with a JSON detail for a declared length over the cap, before reading it', async () => {
    const big = JSON.stringify({ domain: 'a'.repeat(MAX_BODY * 4) });
    for (const path of ['/scan/domain', '/scan/bulk', '/graphql']) {
      const r = await fetch(`${keyed.base}${path}`, { method: 'POST', headers: { ...ALICE, 'content-type': 'application/json' }, body: big });
      expect(r.status, path).toBe(413);
      expect(((await r.json()) as { detail: string }).detail).toMatch(/SCOUT_MAX_BODY_BYTES/);
    }
  });

  it('answers 413 for a chunked body as soon as it passes the cap, and keeps serving', async () => {
    const r = await postChunked(keyed.base, '/scan/bulk', 200, 4096);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).detail).toMatch(/limit is 65536 bytes/);
    const small = await postChunked(keyed.base, '/scan/domain', 1, 10);
    expect(small.status).toBe(422);
    expect((await fetch(`${keyed.base}/healthz`)).status).toBe(200);
  });

  it('streamed uploads in every type the door reads are bounded by entries, not bytes; a look-alike type is capped', async () => {
    const list = Array.from({ length: 6000 }, (_, i) => `stream-cap-${i}.com`);
    const ndjson = list.map((d) => JSON.stringify(d)).join('\n');
    expect(ndjson.length).toBeGreaterThan(MAX_BODY);
    for (const type of ['application/x-ndjson', 'application/ndjson', 'application/jsonl']) {
      const r = await fetch(`${keyed.base}/scan/bulk`, { method: 'POST', headers: { ...ALICE, 'content-type': type }, body: ndjson });
      const body = (await r.json()) as { total: number; job_id: string };
      expect(r.status, `${type}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
      expect(body.total, type).toBe(6000);
      await fetch(`${keyed.base}/graphql`, {
        method: 'POST',
        headers: { ...ALICE, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($id: ID!) { cancelBulkScan(id: $id) { status } }', variables: { id: body.job_id } }),
      });
    }
    // a type no door streams is held to the byte cap
    const lookAlike = await fetch(`${keyed.base}/scan/bulk`, { method: 'POST', headers: { ...ALICE, 'content-type': 'text/csv-like' }, body: ndjson });
    expect(lookAlike.status).toBe(413);
  });
});
