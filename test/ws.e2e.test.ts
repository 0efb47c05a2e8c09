/**
 * GraphQL subscriptions over WebSocket (graphql-ws on /graphql of a real HTTP server): the first
 * snapshot, monotonic progress, a final 100% event, then the subscription completes by itself.
 * Plus the results stream over WS, and SSE on a finished job (exactly one event).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { attachWebSocket, WS_MAX_MESSAGE_BYTES } from '../src/ws.js';
import { loadCorpus } from './helpers/corpus.js';
import { createTestClient, requestGraphQL } from './helpers/graphql-client.js';
import { readSse } from './helpers/sse.js';
import { cleanupPrefix, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const cases = generateCases(loadCorpus(), 60);
const domains = cases.map((c) => c.domain);
const prefix = uniquePrefix('ws');

const PROGRESS = `subscription($id: ID!) { bulkScanProgress(id: $id) { status progress processed total } }`;
const RESULTS = `subscription($id: ID!) { bulkScanResults(id: $id) { domain score provider } }`;

let sim: Simulator;
let stack: Stack;
let server: Server;
let ws: { close(): Promise<void> };
let client: Client;
let base: string;

/** GraphQL over HTTP to the listening server. */
async function http<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: unknown[] }> {
  const r = await requestGraphQL<T>(createTestClient({ url: `${base}/graphql` }), query, variables);
  expect(r.status).toBe(200);
  return r.errors ? { data: r.data, errors: r.errors } : { data: r.data };
}

async function startJob(list: string[]): Promise<string> {
  const r = await http(`mutation($d: [String!]!) { startBulkScan(domains: $d) { total job { id } } }`, { d: list });
  expect(r.errors).toBeUndefined();
  return r.data.startBulkScan.job.id;
}

/** Every event of a WS subscription until it completes by itself (or fails the test after `timeoutMs`). */
async function collect<T>(query: string, variables: Record<string, unknown>, timeoutMs = 20_000): Promise<T[]> {
  const events: T[] = [];
  const iterator = client.iterate<T>({ query, variables });
  const timer = setTimeout(() => void iterator.return?.(), timeoutMs);
  const started = Date.now();
  try {
    for await (const result of iterator) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      events.push(result.data as T);
    }
  } finally {
    clearTimeout(timer);
  }
  if (Date.now() - started >= timeoutMs) throw new Error(`subscription did not complete within ${timeoutMs} ms`);
  return events;
}

beforeAll(async () => {
  sim = await startSimulator({ cases, latency: { dns: [2, 10], whois: [150, 300], rdap: [150, 300] } });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '4' }, heartbeatMs: 500 });
  server = createServer(stack.app.handleNodeRequest);
  ws = attachWebSocket(server, stack.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
});

afterAll(async () => {
  await client?.dispose();
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await ws?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.close();
  await sim?.close();
});

describe('subscriptions over WebSocket', () => {
  it('bulkScanProgress: the snapshot first, monotonic progress, a final 100% event, then complete', async () => {
    const id = await startJob(domains.slice(0, 30));
    const events = (await collect<{ bulkScanProgress: { status: string; progress: number; processed: number; total: number } }>(PROGRESS, { id })).map((e) => e.bulkScanProgress);

    expect(events.length).toBeGreaterThanOrEqual(3);
    // the snapshot at subscription time: the job had just started
    expect(['pending', 'running']).toContain(events[0].status);
    expect(events[0].total).toBe(30);
    expect(events[0].processed).toBeLessThan(30);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].processed).toBeGreaterThanOrEqual(events[i - 1].processed);
      expect(events[i].progress).toBeGreaterThanOrEqual(events[i - 1].progress);
    }
    // nothing after the final event
    expect(events.slice(0, -1).every((e) => e.status === 'pending' || e.status === 'running')).toBe(true);
    expect(events.at(-1)).toEqual({ status: 'completed', progress: 100, processed: 30, total: 30 });

    const polled = await http(`query($id: ID!) { bulkScan(id: $id) { status processed } }`, { id });
    expect(polled.data.bulkScan).toEqual({ status: 'completed', processed: 30 });
  }, 30_000);

  it('bulkScanResults: one lead per succeeded domain (those finished before subscribing included), then complete', async () => {
    const list = domains.slice(30, 60);
    const id = await startJob(list);
    // subscribe mid-job: some leads come from the store, the rest live
    await waitFor(async () => {
      const r = await http(`query($id: ID!) { bulkScan(id: $id) { processed } }`, { id });
      return r.data.bulkScan.processed >= 5;
    }, 15_000, 50);
    const leads = (await collect<{ bulkScanResults: { domain: string; score: number } }>(RESULTS, { id })).map((e) => e.bulkScanResults);

    const final = (await http(`query($id: ID!) { bulkScan(id: $id) { status succeeded failed results(first: 1000) { items { domain } } } }`, { id })).data.bulkScan;
    expect(final.status).toBe('completed');
    expect(final.succeeded + final.failed).toBe(30);
    const names = leads.map((l) => l.domain);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(final.succeeded);
    expect([...names].sort()).toEqual(final.results.items.map((l: { domain: string }) => l.domain).sort());
    for (const name of names) expect(list).toContain(name);
  }, 30_000);

  it('a finished job: one event (the final snapshot) over WS, and over SSE, then complete', async () => {
    const id = await startJob(domains.slice(0, 3));
    await waitFor(async () => (await http(`query($id: ID!) { bulkScan(id: $id) { status } }`, { id })).data.bulkScan.status === 'completed', 15_000, 50);

    const overWs = await collect<{ bulkScanProgress: unknown }>(PROGRESS, { id }, 5_000);
    expect(overWs).toEqual([{ bulkScanProgress: { status: 'completed', progress: 100, processed: 3, total: 3 } }]);

    const overSse = await readSse(stack.app, PROGRESS, { id }, 5_000);
    expect(overSse).toEqual([{ data: { bulkScanProgress: { status: 'completed', progress: 100, processed: 3, total: 3 } } }]);

    // and the results stream of a finished job is its stored leads, then the end
    const results = await collect<{ bulkScanResults: { domain: string } }>(RESULTS, { id }, 5_000);
    const succeeded = (await http(`query($id: ID!) { bulkScan(id: $id) { succeeded } }`, { id })).data.bulkScan.succeeded;
    expect(results.length).toBe(succeeded);
  }, 30_000);

  it('a cancelled job: the subscriber gets the final `cancelled` event, then complete', async () => {
    const id = await startJob(domains.slice(0, 40));
    const collecting = collect<{ bulkScanProgress: { status: string; processed: number } }>(PROGRESS, { id });
    await waitFor(async () => (await http(`query($id: ID!) { bulkScan(id: $id) { processed } }`, { id })).data.bulkScan.processed >= 2, 15_000, 50);
    const cancelled = (await http(`mutation($id: ID!) { cancelBulkScan(id: $id) { status processed } }`, { id })).data.cancelBulkScan;
    expect(cancelled.status).toBe('cancelled');
    const events = (await collecting).map((e) => e.bulkScanProgress);
    for (let i = 1; i < events.length; i++) expect(events[i].processed).toBeGreaterThanOrEqual(events[i - 1].processed);
    expect(events.at(-1)).toEqual({ status: 'cancelled', progress: Math.floor((cancelled.processed * 100) / 40), processed: cancelled.processed, total: 40 });
    // let the in-flight units end before the next test
    await waitFor(async () => Object.values(await stack.runtime.queues.domainQueue.getJobCounts('active', 'wait')).every((n) => n === 0), 10_000, 50);
  }, 30_000);

  it('an unknown job: one NOT_FOUND error result, then complete (no hanging subscription)', async () => {
    const results: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }[] = [];
    const iterator = client.iterate({ query: PROGRESS, variables: { id: '00000000000000000000000000000000' } });
    const timer = setTimeout(() => void iterator.return?.(), 5_000);
    for await (const result of iterator) results.push(result);
    clearTimeout(timer);
    expect(results.length).toBe(1);
    expect(results[0].errors?.[0].message).toBe('Job 00000000000000000000000000000000 not found');
    expect(results[0].errors?.[0].extensions?.code).toBe('NOT_FOUND');
  }, 10_000);
});

describe('the WebSocket door and browser origins', () => {
  /** The upgrade's answer: 101 (opened) or the HTTP status it was refused with. */
  const upgrade = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('error', reject);
    });

  it('a message over the size limit closes the socket (1009) before it is buffered whole', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(WS_MAX_MESSAGE_BYTES + 1024) } }));
    expect(await closed).toBe(1009);
    // the server goes on serving
    expect((await fetch(`${base}/healthz/live`)).status).toBe(200);
  });

  it("another site's page cannot open a socket (CORS does not cover WebSockets); the API's own origin and non-browser clients can", async () => {
    expect(await upgrade({ origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade({ origin: base })).toBe(101);
    expect(await upgrade({})).toBe(101);
  });
});
