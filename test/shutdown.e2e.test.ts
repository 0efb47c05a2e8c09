/**
 * The API process as an operator runs it (`npm start` = tsx src/main.ts, in-process worker):
 * graceful shutdown on SIGTERM mid-job loses nothing; a taken port and an anonymous bind
 * beyond loopback stop the start with a message.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { simEnv } from './helpers/deps.js';
import { expectEachDomainOnce, jobStatus, waitForEnd } from './helpers/job-outcome.js';
import { freePort, http, spawnService, startApi, tempDir as makeTempDir, waitForOutput, type ServiceProcess } from './helpers/processes.js';
import { REDIS_URL, uniquePrefix } from './helpers/stack.js';

const N = 40;
const cases = generateCases(loadCorpus(), N);
const domains = cases.map((c) => c.domain);
const prefix = uniquePrefix('sigterm');
const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = makeTempDir(name);
  dirs.push(dir);
  return dir;
};
const dataDir = tempDir('sigterm');
const running: ServiceProcess[] = [];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ cases, latency: { dns: [5, 20], whois: [100, 200], rdap: [100, 200] } });
});
afterAll(async () => {
  for (const p of running) await p.kill().catch(() => {});
  // the job's keys in the shared Redis (this run's prefix only)
  const redis = new Redis(REDIS_URL);
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  await redis.quit();
  await sim?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const apiEnv = (port: number, extra: Record<string, string> = {}) => ({
  ...simEnv(sim, { SCOUT_REDIS_PREFIX: prefix, SCOUT_CONCURRENCY: '5', SCOUT_DNS_RATE: '200', SCOUT_WHOIS_RATE: '200' }),
  REDIS_URL,
  PORT: String(port),
  SCOUT_DATA_DIR: dataDir,
  // a unit not handed back would wait this long for its lock to expire: far over the test's patience
  SCOUT_WORKER_LOCK_MS: '60000',
  ...extra,
});

describe('SIGTERM mid-job', () => {
  it('the API stops gracefully (exit 0): in-flight domains finish, the rest is handed back, a restart completes the job with 0 lost and 0 counted twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await startApi(apiEnv(port));
    running.push(first);
    const start = await http<{ job_id: string }>(base, '/scan/bulk', { domain_list: domains });
    expect(start.status).toBe(200);
    const id = start.json.job_id;
    for (let s = await jobStatus(base, id); s.processed < 8; s = await jobStatus(base, id)) await new Promise((r) => setTimeout(r, 50));

    const signalledAt = performance.now();
    first.signal('SIGTERM');
    const code = await first.exited;
    const stopMs = Math.round(performance.now() - signalledAt);
    expect(code, first.output().slice(-2000)).toBe(0);
    expect(first.output()).toContain('shutting down');
    expect(stopMs).toBeLessThan(20_000);

    const second = await startApi(apiEnv(port));
    running.push(second);
    const atRestart = await jobStatus(base, id);
    expect(atRestart.processed).toBeLessThan(N); // the job was mid-way at the signal
    const restartedAt = performance.now();
    // lock 60 s: finishing within 30 s means the first process handed its units back
    const done = await waitForEnd(base, id, 30_000);
    const finishMs = Math.round(performance.now() - restartedAt);
    const outcome = await expectEachDomainOnce(base, id, done, domains);
    console.info('sigterm', JSON.stringify({ stopMs, processedAtRestart: atRestart.processed, finishMs, ...outcome }));

    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);
});

describe('start-up refusals', () => {
  it('a taken port: exit 2 with a message naming the port, before any worker starts', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const p = spawnService('src/main.ts', { ...apiEnv(port), SCOUT_DATA_DIR: tempDir('port-taken') });
      running.push(p);
      expect(await p.exited).toBe(2);
      expect(p.output()).toContain(`Port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
      expect(p.output()).not.toContain('domain-scout API on');
    } finally {
      holder.close();
    }
  }, 30_000);

  it('without keys the API binds 127.0.0.1 by default; another address without keys refuses to start, naming SCOUT_API_KEYS', async () => {
    const env = { ...apiEnv(0), SCOUT_DATA_DIR: tempDir('bind'), HOST: undefined };
    const refused = spawnService('src/main.ts', { ...env, HOST: '0.0.0.0' });
    running.push(refused);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain('Refusing to listen on 0.0.0.0 without API keys');
    expect(refused.output()).toContain('SCOUT_API_KEYS');

    const local = spawnService('src/main.ts', { ...env, LOG_LEVEL: 'info' });
    running.push(local);
    await waitForOutput(local, /domain-scout API on http:\/\/127\.0\.0\.1:\d+\/graphql/, 60_000);
    local.signal('SIGTERM');
    expect(await local.exited).toBe(0);

    // keys, or SCOUT_ALLOW_ANONYMOUS=1, allow any address: refused before, it gets past the check now
    const keyed = spawnService('src/main.ts', { ...env, SCOUT_DATA_DIR: tempDir('bind-keyed'), HOST: '0.0.0.0', SCOUT_API_KEYS: 'ops:0123456789abcdef0123', REDIS_URL: 'redis://127.0.0.1:1', SCOUT_REDIS_CONNECT_TIMEOUT_MS: '100' });
    const anonymous = spawnService('src/main.ts', { ...env, SCOUT_DATA_DIR: tempDir('bind-anonymous'), HOST: '0.0.0.0', SCOUT_ALLOW_ANONYMOUS: '1', REDIS_URL: 'redis://127.0.0.1:1', SCOUT_REDIS_CONNECT_TIMEOUT_MS: '100' });
    running.push(keyed, anonymous);
    for (const p of [keyed, anonymous]) {
      expect(await p.exited).toBe(2); // stopped later, by the unreachable Redis
      expect(p.output()).not.toContain('Refusing to listen');
      expect(p.output()).toContain('did not answer within 100 ms');
    }
  }, 120_000);
});
