/**
 * Redis connections, and Redis for a single machine: when REDIS_URL is unset and nothing
 * answers on 127.0.0.1:6379, `npm start` launches `redis-server` from the PATH (data under
 * `<data dir>/redis`, append-only file on) and stops it on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { ConnectionState } from './connection-state.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** ioredis options as BullMQ wants them (it retries forever itself). */
export function redisOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * An ioredis client. Its connection state goes to `state` (one log line per change); without
 * one its errors are still listened to, so ioredis prints no "Unhandled error event" lines.
 */
export function createRedis(url: string, name?: string, state?: ConnectionState): Redis {
  const client = new Redis({ ...redisOptions(url), connectionName: name, lazyConnect: false });
  client.on('ready', () => state?.up(name));
  client.on('error', (error: Error) => state?.down(error, name));
  return client;
}

/**
 * A readiness check of a client: fails at once when it is not connected (its commands would
 * queue until it is), else PINGs.
 */
export async function checkRedisClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') throw new Error(`connection is ${client.status}`);
  await client.ping();
}

/** `redis://user:secret@host` -> `redis://user:***@host`, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Wait until Redis at `url` answers (connects and PINGs), at most `timeoutMs`; else throw a
 * RedisUnavailableError naming the URL and the last error. Entry points call this before
 * building anything, so a dead REDIS_URL stops the process instead of hanging every request.
 */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  let lastError: Error | undefined;
  const client = new Redis({
    ...redisOptions(url),
    connectionName: 'scout-probe',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: Math.min(timeoutMs, 5000),
    retryStrategy: (times) => Math.min(times * 200, 1000),
  });
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        if (client.status === 'wait') await client.connect();
        if (client.status === 'ready' && (await client.ping()) === 'PONG') return;
      } catch (error) {
        lastError = error as Error;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  } finally {
    client.disconnect();
  }
  throw new RedisUnavailableError(
    `Redis at ${redactRedisUrl(url)} did not answer within ${timeoutMs} ms (SCOUT_REDIS_CONNECT_TIMEOUT_MS)` +
      `${lastError ? `: ${lastError.message}` : ''}.\nCheck REDIS_URL, or unset it to let \`npm start\` find or start a local redis-server.`,
  );
}

/** True when something speaks RESP on host:port (answers PING with +PONG). */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export interface LocalRedis {
  url: string;
  /** The redis-server we started, if we started one. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

export interface FindOrStartRedisOptions {
  /** Port to probe and to launch on (tests use another). Default 6379. */
  port?: number;
  /** The redis-server binary. Default: `redis-server` from the PATH. */
  binary?: string;
}

/** REDIS_URL if set; else a Redis on 127.0.0.1:6379; else one we launch. */
export async function findOrStartRedis(
  redisUrl: string | undefined,
  dataDir: string,
  log: (msg: string) => void,
  { port = 6379, binary = 'redis-server' }: FindOrStartRedisOptions = {},
): Promise<LocalRedis> {
  if (redisUrl) return { url: redisUrl, stop: async () => {} };
  const url = `redis://127.0.0.1:${port}`;
  if (await pingRedis('127.0.0.1', port)) return { url, stop: async () => {} };

  const dir = path.resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError) {
    throw new RedisUnavailableError(
      'Redis is needed and none was found: REDIS_URL is unset, nothing answers on 127.0.0.1:6379, and there is no `redis-server` on the PATH.\n' +
        'Install Redis (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`), run `docker compose up redis`, or set REDIS_URL.',
    );
  }
  for (let i = 0; ; i++) {
    if (await pingRedis('127.0.0.1', port)) break;
    if (child.exitCode !== null) throw new RedisUnavailableError(`redis-server exited with code ${child.exitCode} at start (is port ${port} taken?)`);
    if (i === 50) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`redis-server did not answer on 127.0.0.1:${port} within 5 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // stop it with us, even on an unexpected exit
  process.once('exit', () => child.kill('SIGTERM'));
  log(`started redis-server on 127.0.0.1:${port} (data in ${dir}, append-only file on)`);
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
