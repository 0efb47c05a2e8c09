import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRdapBootstrap, parseBootstrap } from './rdap.bootstrap.js';

describe('RDAP bootstrap', () => {
  it('maps every TLD of a service to its https base URL, without a trailing slash', () => {
    const map = parseBootstrap({ services: [[['com', 'NET'], ['http://x/', 'https://rdap.example/com/v1/']], 'garbage', [['org'], []]] });
    expect([...map]).toEqual([
      ['com', 'https://rdap.example/com/v1'],
      ['net', 'https://rdap.example/com/v1'],
    ]);
  });

  it('answers from the shipped snapshot, longest suffix first, when the live file is unreachable', async () => {
    const bootstrap = createRdapBootstrap({ url: 'http://127.0.0.1:9/dns.json', fetchTimeoutMs: 200 });
    expect(bootstrap.baseUrlFor('com')).toBe('https://rdap.verisign.com/com/v1');
    expect(bootstrap.baseUrlFor('co.uk')).toBe('https://rdap.nominet.uk/uk');
    expect(bootstrap.baseUrlFor('com.tr')).toBeUndefined();
    expect(await bootstrap.refresh()).toBe(false);
    expect(bootstrap.baseUrlFor('com')).toBe('https://rdap.verisign.com/com/v1');
  });

  it('replaces the snapshot with the live file when it is reachable', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ services: [[['tr'], ['https://rdap.example.tr/']]] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const bootstrap = createRdapBootstrap({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns.json` });
      expect(await bootstrap.refresh()).toBe(true);
      expect(bootstrap.baseUrlFor('com.tr')).toBe('https://rdap.example.tr');
      expect(bootstrap.baseUrlFor('com')).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
