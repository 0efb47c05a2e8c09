/**
 * One scenario's stack: a simulator (in this process), an API process and N worker processes on
 * a private Redis key prefix; `close()` stops everything and deletes the prefix's keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { SimLatencyOptions, SimRateLimitOptions } from '../src/sim/sim.types.js';
import { baseEnv, REDIS_URL, startApi, startWorker, type ApiProcess, type ServiceProcess } from './processes.js';
import { startBenchSimulator, type GeneratedCases, type SimSetup } from './sim-setup.js';
import { createBenchSchema, type BenchSchema } from './database.js';

/** PostgreSQL URL for the service processes (a schema per stack), or undefined for PGlite. */
let benchDatabaseUrl: string | undefined;
export function useBenchDatabase(url: string | undefined): void {
  benchDatabaseUrl = url;
}
export const benchDatabaseLabel = () => (benchDatabaseUrl ? 'PostgreSQL (a schema per stack)' : 'embedded PGlite, one per API process');

export interface Budgets {
  dnsRate: number;
  whoisRate: number;
  concurrency: number;
}

/** The service's defaults (src/config.ts). */
export const DEFAULT_BUDGETS: Budgets = { dnsRate: 10, whoisRate: 5, concurrency: 5 };
/** "Budgets lifted": the gate never waits. */
export const LIFTED_BUDGETS: Budgets = { dnsRate: 100_000, whoisRate: 100_000, concurrency: 50 };

export const budgetEnv = (b: Budgets): Record<string, string> => ({
  SCOUT_DNS_RATE: String(b.dnsRate),
  SCOUT_WHOIS_RATE: String(b.whoisRate),
  SCOUT_CONCURRENCY: String(b.concurrency),
  SCOUT_RATE_SCOPE: 'worker',
});

export interface StackOptions {
  name: string;
  runId: string;
  logRoot: string;
  generated: GeneratedCases;
  latency?: SimLatencyOptions;
  rateLimit?: SimRateLimitOptions;
  seed: number;
  budgets: Budgets;
  workers: number;
  /** node flags for worker i (e.g. --cpu-prof for one of them). */
  workerNodeArgs?: (i: number) => string[];
  /** node flags of the API process. */
  apiNodeArgs?: string[];
  /** Extra env for every process. */
  env?: Record<string, string>;
  /** Keep only the newest N simulator log entries (0: none; counters stay exact). Default: all. */
  maxLogEntries?: number;
}

export interface Stack {
  prefix: string;
  setup: SimSetup;
  api: ApiProcess;
  workers: ServiceProcess[];
  logDir: string;
  env: Record<string, string>;
  addWorker(nodeArgs?: string[]): Promise<ServiceProcess>;
  stopWorkers(): Promise<void>;
  /** Stop the current workers, then start `n` new ones (in parallel). */
  setWorkers(n: number, nodeArgs?: (i: number) => string[]): Promise<ServiceProcess[]>;
  close(): Promise<void>;
}

/** Delete every key of a prefix (job state and the BullMQ queues, which use `{prefix}:bull`). */
export async function cleanupPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const prefix = `bench-${o.runId}-${o.name}-${randomBytes(3).toString('hex')}`;
  const logDir = path.join(o.logRoot, o.name);
  const setup = await startBenchSimulator(o.generated, { latency: o.latency, rateLimit: o.rateLimit, seed: o.seed, maxLogEntries: o.maxLogEntries });
  // the API's embedded database (PGlite) is per process: a private data dir per stack, never ./.data
  const dataDir = path.join(os.tmpdir(), `domain-scout-bench-${o.runId}`, `${o.name}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dataDir, { recursive: true });
  const schema: BenchSchema | undefined = benchDatabaseUrl ? await createBenchSchema(benchDatabaseUrl, prefix.replace(/[^a-z0-9]/gi, '_')) : undefined;
  const removeData = () => {
    rmSync(dataDir, { recursive: true, force: true });
    void schema?.drop().catch(() => {});
  };
  const env = baseEnv(prefix, { ...setup.env, ...budgetEnv(o.budgets), SCOUT_DATA_DIR: dataDir, ...(schema ? { DATABASE_URL: schema.url } : {}), ...o.env });
  const workers: ServiceProcess[] = [];
  let api: ApiProcess | undefined;
  const stopAll = async () => {
    await Promise.all([...workers.map((w) => w.stop()), api?.stop()]);
  };
  try {
    // start the API and the workers together (they only meet in Redis)
    const apiStarting = startApi(`${o.name}-api`, env, logDir, o.apiNodeArgs ?? []);
    const workersStarting = Array.from({ length: o.workers }, (_, i) => startWorker(`${o.name}-worker${i + 1}`, env, logDir, o.workerNodeArgs?.(i) ?? []));
    const settled = await Promise.allSettled([apiStarting, ...workersStarting]);
    for (const s of settled.slice(1)) if (s.status === 'fulfilled') workers.push(s.value as ServiceProcess);
    if (settled[0].status === 'fulfilled') api = settled[0].value as ApiProcess;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stopAll();
    await setup.sim.close();
    await cleanupPrefix(prefix).catch(() => 0);
    removeData();
    throw error;
  }
  let next = o.workers;
  return {
    prefix,
    setup,
    api: api!,
    workers,
    logDir,
    env,
    async addWorker(nodeArgs: string[] = []) {
      const w = await startWorker(`${o.name}-worker${++next}`, env, logDir, nodeArgs);
      workers.push(w);
      return w;
    },
    async stopWorkers() {
      await Promise.all(workers.map((w) => w.stop()));
      workers.length = 0;
    },
    async setWorkers(n: number, nodeArgs?: (i: number) => string[]) {
      await Promise.all(workers.map((w) => w.stop()));
      workers.length = 0;
      const started = await Promise.allSettled(Array.from({ length: n }, (_, i) => startWorker(`${o.name}-worker${++next}`, env, logDir, nodeArgs?.(i) ?? [])));
      for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return [...workers];
    },
    async close() {
      await stopAll();
      await setup.sim.close();
      await cleanupPrefix(prefix).catch(() => 0);
      removeData();
    },
  };
}
