/**
 * SSRF rules of the RDAP/bootstrap HTTP client, against local listeners. A listener that stands
 * for an internal service counts its connections: it must see none. Private, link-local and
 * CGNAT targets are refused on the address before any socket connects (the test never sends a
 * packet to such a range: every connection attempt is recorded and checked).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRdapBootstrap } from './rdap.bootstrap.js';
import { fetchRdapDomain } from './rdap.client.js';
import { createGuardedFetch, RDAP_MAX_BYTES } from './rdap.fetch.js';
import { queryWhois } from '../whois/whois.client.js';
import { createPublicLookup } from '../net/public-lookup.js';

/** An HTTP listener on 127.0.0.1 that counts connections and requests. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  const counts = { connections: 0, requests: 0 };
  server.on('connection', () => counts.connections++);
  server.on('request', () => counts.requests++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, origin: `http://127.0.0.1:${port}`, counts };
}

let internal: Awaited<ReturnType<typeof listen>>; // an "internal service": must never be reached
let registry: Awaited<ReturnType<typeof listen>>; // the configured (trusted) RDAP server
let redirectTo = '';

/** Every socket connect attempt of this process (host as asked), to prove none went to a private range. */
const connects: string[] = [];
const realConnect = net.Socket.prototype.connect;

beforeAll(async () => {
  internal = await listen((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ secret: 'internal service' }));
  });
  registry = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/hop/')) {
      const n = Number(url.pathname.split('/')[2]);
      res.statusCode = 302;
      res.setHeader('location', n > 0 ? `/hop/${n - 1}` : '/domain/ok.test');
      return res.end();
    }
    if (url.pathname === '/domain/redirected.test') {
      res.statusCode = 302;
      res.setHeader('location', redirectTo);
      return res.end();
    }
    if (url.pathname.startsWith('/big-declared')) {
      res.setHeader('content-length', String(2 * RDAP_MAX_BYTES));
      return res.end(Buffer.alloc(2 * RDAP_MAX_BYTES, 0x20));
    }
    if (url.pathname.startsWith('/big')) {
      res.setHeader('content-type', 'application/json');
      // chunked, no content-length: the cap must hold while streaming
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 3 * RDAP_MAX_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (url.pathname.startsWith('/hang')) return; // never answers
    res.setHeader('content-type', 'application/rdap+json');
    res.end(JSON.stringify({ objectClassName: 'domain', ldhName: url.pathname.split('/').pop() }));
  });
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; port?: number } | unknown[];
    const options = Array.isArray(first) ? (first[0] as { host?: string }) : (first as { host?: string });
    if (options && typeof options === 'object') connects.push(String(options.host ?? ''));
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof realConnect);
});

afterAll(async () => {
  vi.restoreAllMocks();
  internal.server.closeAllConnections();
  registry.server.closeAllConnections();
  await Promise.all([internal, registry].map(({ server }) => new Promise((r) => server.close(r))));
});

afterEach(() => {
  // no socket was pointed at an address literal other than the loopback listeners; a name was
  // handed to the socket's lookup, which refused it (each test checks that) before any packet
  for (const host of connects) if (net.isIP(host.replace(/^\[|\]$/g, ''))) expect(host, `connected to ${host}`).toBe('127.0.0.1');
  connects.length = 0;
});

/** DNS for the tests: names of hostile registries that resolve to private addresses, without a resolver. */
const fakeDns: Record<string, { address: string; family: number }[]> = {
  localhost: [{ address: '127.0.0.1', family: 4 }],
  'rebind.attacker.test': [{ address: '127.0.0.1', family: 4 }],
  'metadata.attacker.test': [{ address: '169.254.169.254', family: 4 }],
  'office.attacker.test': [{ address: '10.1.2.3', family: 4 }],
  'cgnat.attacker.test': [{ address: '100.64.0.7', family: 4 }],
  'mixed.attacker.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '192.168.1.1', family: 4 },
  ],
};
const resolved: string[] = [];
const resolveAll = async (name: string) => {
  resolved.push(name);
  const answer = fakeDns[name];
  if (!answer) throw Object.assign(new Error(`${name}: not in the test's DNS`), { code: 'ENOTFOUND' });
  return answer;
};

const rdapFetch = () => createGuardedFetch({ trustedOrigins: [registry.origin], resolveAll });

describe('RDAP fetch: the configured server is trusted, everything else must be public https', () => {
  it('the configured server answers over http on 127.0.0.1 (trusted as given)', async () => {
    const response = await fetchRdapDomain({ baseUrl: registry.origin, domain: 'ok.test', timeoutMs: 2000, fetchImpl: rdapFetch() });
    expect(response).toEqual({ kind: 'found', body: { objectClassName: 'domain', ldhName: 'ok.test' } });
  });

  it('a 302 from the configured server to another service on 127.0.0.1 is refused: that service sees no connection', async () => {
    for (const target of [`http://127.0.0.1:${internal.port}/x`, `https://127.0.0.1:${internal.port}/x`, `https://localhost:${internal.port}/x`, `https://[::1]:${internal.port}/x`]) {
      redirectTo = target;
      const error = await fetchRdapDomain({ baseUrl: registry.origin, domain: 'redirected.test', timeoutMs: 2000, fetchImpl: rdapFetch() }).catch((e: unknown) => e);
      expect(error, target).toMatchObject({ code: 'rdap_error' });
      expect((error as Error).message, target).toMatch(/refused|only https/);
    }
    expect(internal.counts.connections).toBe(0);
  });

  it('the issue repro: an internal JSON service never comes back as registration data', async () => {
    redirectTo = `http://127.0.0.1:${internal.port}/`;
    // the default client (no fetchImpl) trusts no origin: an RDAP base from a bootstrap file
    // pointing at loopback is refused outright
    const direct = await fetchRdapDomain({ baseUrl: `http://127.0.0.1:${internal.port}`, domain: 'x.test', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(direct).toMatchObject({ code: 'rdap_error' });
    const viaRedirect = await fetchRdapDomain({ baseUrl: registry.origin, domain: 'redirected.test', timeoutMs: 2000, fetchImpl: rdapFetch() }).catch((e: unknown) => e);
    expect(viaRedirect).toMatchObject({ code: 'rdap_error' });
    expect(internal.counts.connections).toBe(0);
  });

  it.each([
    ['https://10.20.30.40/domain/x', /private address: refused/],
    ['https://169.254.169.254/latest/meta-data/', /link-local address: refused/],
    ['https://100.64.1.1/', /CGNAT/],
    ['https://224.0.0.1/', /multicast/],
    ['https://[fd00::1]/', /unique local/],
    ['https://[::ffff:10.0.0.1]/', /private/],
    ['http://93.184.216.34/', /only https/],
  ])('a redirect to %s is refused on the address, before connecting', async (target, reason) => {
    redirectTo = target;
    const before = resolved.length;
    await expect(rdapFetch()(`${registry.origin}/domain/redirected.test`)).rejects.toThrow(reason);
    expect(resolved.length).toBe(before); // an IP literal or a wrong scheme needs no lookup
    expect(connects.filter((h) => h !== '127.0.0.1')).toEqual([]);
  });

  it.each([
    ['rebind.attacker.test', '127.0.0.1, a loopback'],
    ['metadata.attacker.test', '169.254.169.254, a link-local'],
    ['office.attacker.test', '10.1.2.3, a private'],
    ['cgnat.attacker.test', '100.64.0.7, a CGNAT'],
    ['mixed.attacker.test', '192.168.1.1, a private'],
  ])('a redirect to a name that resolves to a non-public address (%s) is refused at connect time', async (name, what) => {
    redirectTo = `https://${name}/domain/x`;
    const before = resolved.length;
    await expect(rdapFetch()(`${registry.origin}/domain/redirected.test`)).rejects.toThrow(`${name} resolves to ${what}`);
    // the name was resolved by the socket's own lookup: the address checked is the address used
    expect(resolved.slice(before)).toEqual([name]);
  });

  it('follows at most 3 redirects', async () => {
    const f = rdapFetch();
    const start = registry.counts.requests;
    const ok = await f(`${registry.origin}/hop/2`); // 3 redirects: /hop/1, /hop/0, /domain/ok.test
    expect(ok.status).toBe(200);
    expect(registry.counts.requests - start).toBe(4);
    const before = registry.counts.requests;
    await expect(f(`${registry.origin}/hop/3`)).rejects.toThrow('more than 3 redirects');
    expect(registry.counts.requests - before).toBe(4); // the 4th redirect is not followed
  });

  it('caps the response at 1 MiB, streamed or declared', async () => {
    await expect(rdapFetch()(`${registry.origin}/big`)).rejects.toThrow(`over the ${RDAP_MAX_BYTES}-byte cap`);
    await expect(rdapFetch()(`${registry.origin}/big-declared`)).rejects.toThrow(`over the ${RDAP_MAX_BYTES}-byte cap`);
    const error = await fetchRdapDomain({ baseUrl: `${registry.origin}/big`, domain: 'x.test', timeoutMs: 2000, fetchImpl: rdapFetch() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rdap_error' });
  });

  it('holds the deadline: a server that never answers costs the timeout, no more', async () => {
    const started = performance.now();
    await expect(rdapFetch()(`${registry.origin}/hang`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(2000);
    const viaClient = await fetchRdapDomain({ baseUrl: `${registry.origin}/hang`, domain: 'x.test', timeoutMs: 300, fetchImpl: rdapFetch() }).catch((e: unknown) => e);
    expect(viaClient).toMatchObject({ code: 'whois_timeout' });
  });
});

describe('bootstrap fetch', () => {
  it('the configured bootstrap URL is trusted; a redirect from it to another local service is refused', async () => {
    redirectTo = `http://127.0.0.1:${internal.port}/dns.json`;
    const bootstrap = createRdapBootstrap({ url: `${registry.origin}/domain/redirected.test` });
    expect(await bootstrap.refresh()).toBe(false);
    expect(bootstrap.baseUrlFor('com')).toBe('https://rdap.verisign.com/com/v1'); // the snapshot stays
    expect(internal.counts.connections).toBe(0);
  });
});

describe('WHOIS servers the service finds itself (table, IANA referral): port 43 of public addresses only', () => {
  it('refuses a loopback or private server before connecting; a configured one is trusted', async () => {
    const sockets = new Set<net.Socket>();
    const whois = net.createServer((socket) => {
      sockets.add(socket);
      socket.end('Domain Name: OK.TEST\r\n');
    });
    let connections = 0;
    whois.on('connection', () => connections++);
    await new Promise<void>((r) => whois.listen(0, '127.0.0.1', r));
    const port = (whois.address() as AddressInfo).port;
    try {
      await expect(queryWhois({ host: '127.0.0.1', port, query: 'x.test', timeoutMs: 1000, publicOnly: true })).rejects.toMatchObject({ code: 'whois_connection_error' });
      await expect(queryWhois({ host: '10.9.8.7', port: 43, query: 'x.test', timeoutMs: 1000, publicOnly: true })).rejects.toThrow('private address: refused');
      await expect(
        queryWhois({ host: 'rebind.attacker.test', port, query: 'x.test', timeoutMs: 1000, publicOnly: true, lookup: createPublicLookup(resolveAll) }),
      ).rejects.toThrow('resolves to 127.0.0.1, a loopback address: refused');
      expect(connections).toBe(0);
      // SCOUT_WHOIS_SERVER (publicOnly false): as given
      expect(await queryWhois({ host: '127.0.0.1', port, query: 'x.test', timeoutMs: 1000 })).toContain('OK.TEST');
      expect(connections).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => whois.close(r));
    }
  });
});
