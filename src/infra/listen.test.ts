import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { anonymousBindRefusal, isLoopbackHost, listen, ListenError } from './listen.js';

describe('anonymousBindRefusal', () => {
  it('allows loopback without keys, refuses other addresses unless keys are set or SCOUT_ALLOW_ANONYMOUS', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(anonymousBindRefusal(host, 0, false), host).toBeUndefined();
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.10', 'scout.internal']) {
      expect(anonymousBindRefusal(host, 0, false), host).toContain('SCOUT_API_KEYS');
      expect(anonymousBindRefusal(host, 1, false), host).toBeUndefined();
      expect(anonymousBindRefusal(host, 0, true), host).toBeUndefined();
    }
  });
});

describe('listen', () => {
  it('a taken port rejects with a message naming the port and PORT', async () => {
    const first = createServer();
    await listen(first, 0, '127.0.0.1');
    const port = (first.address() as AddressInfo).port;
    try {
      const error = await listen(createServer(), port, '127.0.0.1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ListenError);
      expect((error as ListenError).code).toBe('EADDRINUSE');
      expect((error as Error).message).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect((error as Error).message).toContain('set PORT');
    } finally {
      first.close();
    }
  });
});
