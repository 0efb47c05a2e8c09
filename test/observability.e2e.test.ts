/**
 * Observability end to end: request and job-lifecycle log lines, /metrics counts after a real
 * job (simulator + Redis + in-process worker), /healthz/* with Redis up and with a dead Redis
 * (503 within a second, one log line per connection change), a worker's metrics server, and a
 * start against a dead Redis (clear message, non-zero exit after SCOUT_REDIS_CONNECT_TIMEOUT_MS).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../src/observability/metrics-server.js';
import { buildRuntime, type Runtime } from '../src/runtime.js';
import { createApp, type App } from '../src/server.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { simConfig } from './helpers/deps.js';
import { cleanupPrefix, gql, REDIS_URL, uniquePrefix, waitFor } from './helpers/stack.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A pino logger whose JSON lines land in an array. */
function memoryLogger() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** The value of one sample of the exposition text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const corpus = loadCorpus();
const domains = corpus.slice(0, 20).map((c) => c.domain);
const prefix = uniquePrefix('obs');
let sim: Simulator;
let runtime: Runtime;
let app: App;
let logs: ReturnType<typeof memoryLogger>;

beforeAll(async () => {
  sim = await startSimulator({ cases: corpus });
  logs = memoryLogger();
  const config = simConfig(sim, { SCOUT_REDIS_PREFIX: prefix, SCOUT_CONCURRENCY: '10', LOG_LEVEL: 'info' });
  runtime = await buildRuntime({ config, logger: logs.logger, redisUrl: REDIS_URL, worker: true });
  app = createApp({ services: runtime.services, logger: logs.logger, health: runtime.health });
});
afterAll(async () => {
  if (runtime) await cleanupPrefix(runtime, prefix);
  await runtime?.close();
  await sim?.close();
});

describe('with Redis up', () => {
  it('a job: one line per lifecycle change and per request; /metrics counts its domains, errors, latencies and duration', async () => {
    const metricsText = async () => (await app.fetch(new Request('http://test/metrics'))).text();
    const before = await metricsText();
    const r = await gql(app, `mutation($d: [String!]!) { startBulkScan(domains: $d) { total job { id } } }`, { d: domains });
    expect(r.errors).toBeUndefined();
    const id: string = r.data.startBulkScan.job.id;
    const done = await waitFor(async () => {
      const q = await gql(app, `query($id: ID!) { bulkScan(id: $id) { status succeeded failed } }`, { id });
      return q.data.bulkScan.status === 'completed' ? q.data.bulkScan : null;
    }, 60_000, 200);
    const after = await metricsText();

    const delta = (name: string, labels?: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('scout_domains_finished_total', { outcome: 'succeeded' })).toBe(done.succeeded);
    expect(delta('scout_domains_finished_total', { outcome: 'failed' })).toBe(done.failed);
    expect(delta('scout_scan_errors_total')).toBe(done.failed);
    expect(delta('scout_upstream_request_duration_seconds_count', { protocol: 'dns' })).toBeGreaterThan(domains.length);
    expect(delta('scout_upstream_request_duration_seconds_count', { protocol: 'rdap' }) + delta('scout_upstream_request_duration_seconds_count', { protocol: 'whois' })).toBeGreaterThan(0);
    expect(delta('scout_bulk_jobs_total', { event: 'created' })).toBe(1);
    expect(delta('scout_bulk_jobs_total', { event: 'completed' })).toBe(1);
    expect(delta('scout_bulk_job_duration_seconds_count', { status: 'completed' })).toBe(1);
    expect(delta('scout_http_request_duration_seconds_count', { route: '/graphql', method: 'POST' })).toBeGreaterThan(1);
    expect(after).toMatch(/scout_queue_jobs\{queue="domain-scan",state="waiting"\} \d+/);

    const jobLines = logs.lines.filter((l) => l.jobId === id && typeof l.event === 'string');
    expect(jobLines.map((l) => l.event)).toEqual(['created', 'started', 'completed']);
    const finished = jobLines[2];
    expect(finished).toMatchObject({ msg: 'job finished', total: domains.length, processed: domains.length, succeeded: done.succeeded, failed: done.failed });
    expect(finished.durationMs).toBeGreaterThan(0);
    // every permanent failure is one line
    expect(logs.lines.filter((l) => l.jobId === id && l.msg === 'domain failed')).toHaveLength(done.failed);
    const requests = logs.lines.filter((l) => l.msg === 'request' && l.route === '/graphql');
    expect(requests.length).toBeGreaterThan(1);
    expect(requests[0]).toMatchObject({ method: 'POST', status: 200, key: null });
    // the GraphQL lines name the job: the one startBulkScan created, the one a query asks about
    expect(requests[0].jobId).toBe(id);
    expect(requests.filter((l) => l.jobId === id).length).toBeGreaterThanOrEqual(2);
    expect(typeof requests[0].ms).toBe('number');
  });

  it('a REST poll logs its route pattern and job id', async () => {
    const id = 'ab'.repeat(16);
    const res = await app.fetch(new Request(`http://test/scan/bulk/${id}`));
    expect(res.status).toBe(404);
    const line = [...logs.lines].reverse().find((l) => l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: `/scan/bulk/${id}`, status: 404, jobId: id });
  });

  it('/healthz/live and /healthz/ready answer 200 in the documented shapes', async () => {
    const live = await app.fetch(new Request('http://test/healthz/live'));
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'alive' });
    const ready = await app.fetch(new Request('http://test/healthz/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: true } });
  });

  it("a worker's metrics server serves /metrics and /healthz/ready on its own port", async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', checks: runtime.health });
    try {
      const m = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(m.status).toBe(200);
      expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await m.text()).toContain('scout_domains_finished_total');
      const ready = await fetch(`http://127.0.0.1:${server.port}/healthz/ready`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: true } });
      expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('with a dead Redis', () => {
  it('/healthz/ready is 503 with the reason within a second, /healthz too; the connection loss is one log line', async () => {
    const dead = memoryLogger();
    const config = simConfig(sim, { SCOUT_REDIS_PREFIX: uniquePrefix('obs-dead') });
    const deadRuntime = await buildRuntime({ config, logger: dead.logger, redisUrl: 'redis://127.0.0.1:1', worker: true });
    const deadApp = createApp({ services: deadRuntime.services, logger: dead.logger, health: deadRuntime.health });
    try {
      await new Promise((r) => setTimeout(r, 1500)); // a dozen reconnect attempts of each client
      let started = performance.now();
      const ready = await deadApp.fetch(new Request('http://test/healthz/ready'));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(ready.status).toBe(503);
      const detail = ((await ready.json()) as { detail: string }).detail;
      expect(detail).toMatch(/^Redis unavailable: /);
      // the public answer does not say where Redis is
      expect(detail).not.toContain('127.0.0.1');
      started = performance.now();
      const old = await deadApp.fetch(new Request('http://test/healthz'));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(old.status).toBe(503);
      expect(await old.text()).not.toContain('127.0.0.1');
      expect((await deadApp.fetch(new Request('http://test/healthz/live'))).status).toBe(200);

      const redisLines = dead.lines.filter((l) => l.target === 'redis');
      expect(redisLines).toHaveLength(1);
      expect(redisLines[0]).toMatchObject({ state: 'down', code: 'ECONNREFUSED', level: 50 });
      // nothing else floods: BullMQ's reconnecting clients report into the same state
      const errors = dead.lines.filter((l) => l.level >= 50);
      expect(errors, JSON.stringify(errors.map((l) => [l.msg, l.err?.message]))).toHaveLength(1);
    } finally {
      await Promise.race([deadRuntime.close().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
      deadRuntime.redis.disconnect();
    }
  });

  it.each([
    ['npm run worker', 'src/worker/main.ts'],
    ['npm start', 'src/main.ts'],
  ])('%s with an unreachable REDIS_URL exits 2 with one clear message after SCOUT_REDIS_CONNECT_TIMEOUT_MS', async (_name, entry) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'scout-obs-'));
    try {
      const env = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', SCOUT_REDIS_CONNECT_TIMEOUT_MS: '1000', SCOUT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '' };
      const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain('Redis at redis://127.0.0.1:1 did not answer within 1000 ms (SCOUT_REDIS_CONNECT_TIMEOUT_MS): connect ECONNREFUSED');
      expect(stderr).not.toContain('[ioredis]');
      expect(stdout).not.toContain('listening');
      expect(stdout).not.toContain('domain-scout API on');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
