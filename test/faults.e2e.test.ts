/**
 * Faults mid-job, each ending with 0 domains lost and 0 counted twice, and the time to recover
 * measured (README "Faults"): Redis SIGKILLed and restarted (a private redis-server on its own
 * port with the append-only file on, as docker-compose runs it; never the shared one), and the
 * API process (`npm start`, in-process worker) SIGKILLed and started again.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { loadCorpus } from './helpers/corpus.js';
import { simEnv } from './helpers/deps.js';
import { expectEachDomainOnce, jobStatus, waitForEnd } from './helpers/job-outcome.js';
import { freePort, http, startApi, startPrivateRedis, tempDir, type PrivateRedis, type ServiceProcess } from './helpers/processes.js';
import { uniquePrefix } from './helpers/stack.js';

const N = 40;
const LOCK_MS = '2000';
const cases = generateCases(loadCorpus(), N);
const domains = cases.map((c) => c.domain);
const running: ServiceProcess[] = [];
const dirs: string[] = [];

let sim: Simulator;
let redis: PrivateRedis;
beforeAll(async () => {
  sim = await startSimulator({ cases, latency: { dns: [5, 20], whois: [100, 200], rdap: [100, 200] } });
  redis = await startPrivateRedis();
  dirs.push(redis.dir);
});
afterAll(async () => {
  for (const p of running) await p.kill().catch(() => {});
  await redis?.stop();
  await sim?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function apiOn(prefix: string, dataDir: string, port: number) {
  const p = await startApi({
    ...simEnv(sim, { SCOUT_REDIS_PREFIX: prefix, SCOUT_CONCURRENCY: '5', SCOUT_DNS_RATE: '200', SCOUT_WHOIS_RATE: '200' }),
    REDIS_URL: redis.url,
    PORT: String(port),
    SCOUT_DATA_DIR: dataDir,
    SCOUT_WORKER_LOCK_MS: LOCK_MS,
  });
  running.push(p);
  return p;
}

async function startJob(base: string) {
  const start = await http<{ job_id: string }>(base, '/scan/bulk', { domain_list: domains });
  expect(start.status).toBe(200);
  const id = start.json.job_id;
  for (let s = await jobStatus(base, id); s.processed < 8; s = await jobStatus(base, id)) await new Promise((r) => setTimeout(r, 50));
  return id;
}

/** ms from now until the job's processed count passes `from` (work resumed). */
async function timeToProgress(base: string, id: string, from: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const s = await jobStatus(base, id).catch(() => undefined);
    if (s && (s.processed > from || s.status === 'completed')) return Math.round(performance.now() - t0);
    if (performance.now() - t0 > timeoutMs) throw new Error(`no progress past ${from} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('faults mid-job', () => {
  it('Redis SIGKILL + restart: the service reconnects, the job completes with 0 lost and 0 counted twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = tempDir('fault-redis');
    dirs.push(dataDir);
    await apiOn(uniquePrefix('fault-redis'), dataDir, port);
    const id = await startJob(base);

    await redis.kill();
    await new Promise((r) => setTimeout(r, 1000)); // down for a second: the service must notice and wait
    await redis.restart();
    const atRestart = (await jobStatus(base, id)).processed;
    expect(atRestart).toBeLessThan(N);
    const recoverMs = await timeToProgress(base, id, atRestart, 30_000);
    const done = await waitForEnd(base, id, 40_000);
    const outcome = await expectEachDomainOnce(base, id, done, domains);
    console.info('fault redis-sigkill', JSON.stringify({ processedAtRestart: atRestart, recoverMs, ...outcome }));
  }, 120_000);

  it('API SIGKILL + restart: the new process takes over the dead one’s units, 0 lost and 0 counted twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = tempDir('fault-api');
    dirs.push(dataDir);
    const prefix = uniquePrefix('fault-api');
    const first = await apiOn(prefix, dataDir, port);
    const id = await startJob(base);

    await first.kill();
    const killedAt = performance.now();
    await apiOn(prefix, dataDir, port); // same data dir: the dead process' lock is stale and taken over
    const startMs = Math.round(performance.now() - killedAt);
    const atRestart = (await jobStatus(base, id)).processed;
    expect(atRestart).toBeLessThan(N);
    const recoverMs = await timeToProgress(base, id, atRestart, 30_000);
    const done = await waitForEnd(base, id, 40_000);
    const outcome = await expectEachDomainOnce(base, id, done, domains);
    console.info('fault api-sigkill', JSON.stringify({ processedAtRestart: atRestart, restartMs: startMs, recoverAfterStartMs: recoverMs, ...outcome }));
  }, 150_000);
});
