/**
 * A whole service stack for integration tests: simulator + real Redis (a per-run key prefix so
 * parallel runs never collide) + runtime (API services, optionally an in-process worker) + app.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.js';
import type { ResultSink } from '../../src/jobs/result-sink.js';
import { createLogger } from '../../src/logger.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { createApp, type App, type AppOptions } from '../../src/server.js';
import type { JobArchive } from '../../src/services/bulk-scan.service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { Db } from '../../src/store/db.js';
import { CORPUS_NOW } from './corpus.js';
import { simConfig } from './deps.js';
import { createTestClient, requestGraphQL } from './graphql-client.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const uniquePrefix = (name: string) => `t-${name}-${randomBytes(4).toString('hex')}`;

export interface StackOptions {
  env?: Record<string, string | undefined>;
  worker?: boolean;
  db?: Db;
  sink?: ResultSink;
  archive?: JobArchive;
  heartbeatMs?: number;
  /** HTTP app options (API keys, CORS origins, body cap). */
  app?: Partial<Omit<AppOptions, 'services' | 'logger'>>;
}

export interface Stack {
  config: Config;
  runtime: Runtime;
  app: App;
  close(): Promise<void>;
}

export async function startStack(sim: Simulator, prefix: string, options: StackOptions = {}): Promise<Stack> {
  const config = simConfig(sim, { SCOUT_REDIS_PREFIX: prefix, ...options.env });
  const logger = createLogger('silent');
  const runtime = await buildRuntime({
    config,
    logger,
    redisUrl: REDIS_URL,
    worker: options.worker ?? true,
    db: options.db,
    sink: options.sink,
    archive: options.archive,
    now: () => CORPUS_NOW,
    heartbeatMs: options.heartbeatMs,
  });
  const app = createApp({ services: runtime.services, logger, health: runtime.health, graphql: config.graphql, maxBulk: config.jobs.maxBulk, ...options.app });
  return { config, runtime, app, close: () => runtime.close() };
}

/** Delete every key of a test prefix (job state and BullMQ queues). */
export async function cleanupPrefix(runtime: Runtime, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await runtime.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await runtime.redis.unlink(...keys);
    } while (cursor !== '0');
  }
}

export const post = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`http://test${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));

export const get = (app: App, path: string) => app.fetch(new Request(`http://test${path}`));

/** GraphQL to the app in-process, through graphql-request. */
export async function gql<T = any>(app: App, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const { data, errors } = await requestGraphQL<T>(createTestClient({ app }), query, variables);
  return errors ? { data, errors } : { data };
}

/** Poll until `check` returns a value or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
