/**
 * Redis per queued domain stays small: a 20 000-domain job with no worker costs at most 150
 * bytes of Redis per domain (job state + queued units), measured as the `used_memory` delta of
 * a private redis-server (started here on a port of its own, so nothing else moves the figure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingRedis } from '../src/infra/redis.js';
import { createLogger } from '../src/logger.js';
import { buildRuntime, type Runtime } from '../src/runtime.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { simConfig } from './helpers/deps.js';
import { freePort } from './helpers/processes.js';
import { waitFor } from './helpers/stack.js';

const N = 20_000;
const BOUND = 150;

let redisServer: ChildProcess;
let url: string;
let admin: Redis;
let sim: Simulator;
let api: Runtime | undefined;

const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);

beforeAll(async () => {
  const port = await freePort();
  redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${port}`;
  await waitFor(() => pingRedis('127.0.0.1', port), 5_000, 50);
  admin = new Redis(url);
  sim = await startSimulator({ cases: [] });
});

afterAll(async () => {
  await api?.close();
  await admin?.quit().catch(() => {});
  redisServer?.kill('SIGKILL');
  await sim?.close();
});

describe('Redis per queued domain', () => {
  it(`is at most ${BOUND} bytes for a ${N}-domain job waiting for a worker`, async () => {
    const config = simConfig(sim, { SCOUT_REDIS_PREFIX: 'footprint', SCOUT_MAX_BULK: String(N) });
    api = await buildRuntime({ config, logger: createLogger('silent'), redisUrl: url, worker: false });
    // warm up: scripts loaded, queue keys created
    await api.services.bulk.start(['warm-up-a.com', 'warm-up-b.com']);
    const domains = Array.from({ length: N }, (_, i) => `company-${i}-example.com`);
    const before = await usedMemory();
    const started = await api.services.bulk.start(domains);
    expect(started.total).toBe(N);
    const after = await usedMemory();
    const perDomain = (after - before) / N;
    console.log(`Redis per queued domain: ${perDomain.toFixed(1)} bytes (${after - before} bytes for ${N})`);
    expect(perDomain).toBeLessThanOrEqual(BOUND);
    // the units name ranges: about N / SCOUT_CHUNK_SIZE of them, all waiting
    const counts = await api.queues.domainQueue.getJobCounts('wait', 'prioritized');
    expect(counts.wait + counts.prioritized).toBe(Math.ceil(N / config.jobs.chunkSize) + 1);
  }, 30_000);
});
