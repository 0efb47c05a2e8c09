import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOrStartRedis, pingRedis, RedisUnavailableError } from './redis.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'scout-redis-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('findOrStartRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const found = await findOrStartRedis('redis://example:1234', dataDir, () => {});
    expect(found.url).toBe('redis://example:1234');
    expect(found.child).toBeUndefined();
  });

  it('uses a Redis that already answers on the port', async () => {
    const found = await findOrStartRedis(undefined, dataDir, () => {}, { port: 6379 });
    expect(found.url).toBe('redis://127.0.0.1:6379');
    expect(found.child).toBeUndefined();
  });

  it('launches redis-server with an append-only file under the data dir when nothing answers, and stops it', async () => {
    const port = await freePort();
    const messages: string[] = [];
    const started = await findOrStartRedis(undefined, dataDir, (m) => messages.push(m), { port });
    try {
      expect(started.child).toBeDefined();
      expect(await pingRedis('127.0.0.1', port)).toBe(true);
      expect(messages[0]).toMatch(/started redis-server on 127\.0\.0\.1:\d+ .*append-only/);
      expect(existsSync(path.join(dataDir, 'redis'))).toBe(true);
    } finally {
      await started.stop();
    }
    expect(await pingRedis('127.0.0.1', port)).toBe(false);
  });

  it('says how to get Redis when there is no redis-server binary', async () => {
    const port = await freePort();
    const attempt = findOrStartRedis(undefined, dataDir, () => {}, { port, binary: 'redis-server-that-does-not-exist' });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/Install Redis .*apt-get install redis-server.*or set REDIS_URL/s);
  });
});
