/**
 * The simulator driven by real clients: node's c-ares resolver, raw TCP DNS, a net socket for
 * WHOIS and fetch for RDAP. Timeouts are kept short (500 ms) so the file runs in a few seconds.
 */
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import dnsPacket, { type Packet } from 'dns-packet';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { generateCases, loadCases } from './sim.cases.js';
import type { SimCase } from './sim.types.js';
import { SIM_UDP_RECV_BUFFER_BYTES, udpReceiveBufferCap } from './dns-server.js';
import { startSimulator, type Simulator } from './simulator.js';

const CASES_PATH = fileURLToPath(new URL('../../test/fixtures/dns-cases.json', import.meta.url));

const LONG_TXT = `v=DKIM1; k=rsa; p=${'A'.repeat(282)}`; // 300 bytes: more than one character-string
const constructed: SimCase[] = [
  {
    domain: 'chain.test',
    zone: {
      'chain.test': { NS: ['ns1.chain.test'] },
      'www.chain.test': { CNAME: 'alias.chain.test.' },
      'alias.chain.test': { CNAME: 'target.chain.test' },
      'target.chain.test': { A: ['192.0.2.7'], TXT: [['hello ', 'world']] },
      'dangling.chain.test': { CNAME: 'missing.chain.test' },
      // Enough TXT to overflow a 512-byte UDP reply: c-ares must retry over TCP.
      'big.chain.test': { TXT: [[LONG_TXT], ...Array.from({ length: 8 }, (_, i) => [`filler record number ${i} `.repeat(3)])] },
    },
  },
  { domain: 'refused.test', zone: { 'refused.test': { A: ['192.0.2.8'], _fault: { rcode: 'REFUSED' } } } },
  { domain: 'slowstart.test', zone: { 'slowstart.test': { A: ['192.0.2.9'], _fault: { rcode: 'TIMEOUT', times: 1 } } } },
];

let corpus: SimCase[];
let generated: SimCase[];
let sim: Simulator;
let resolver: Resolver;

beforeAll(async () => {
  corpus = await loadCases(CASES_PATH);
  generated = generateCases(corpus, 200);
  sim = await startSimulator({ cases: corpus, extraCases: [...constructed, ...generated] });
  resolver = newResolver(sim);
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

function newResolver(s: Simulator): Resolver {
  const r = new Resolver({ timeout: 500, tries: 1 });
  r.setServers([s.dnsAddress]);
  return r;
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/** Send queries over one TCP connection, framed (RFC 7766), and read as many replies. */
async function queryTcp(address: string, queries: Packet[]): Promise<ReturnType<typeof dnsPacket.decode>[]> {
  const { host, port } = hostPort(address);
  const socket = net.connect(port, host);
  socket.write(Buffer.concat(queries.map((q) => dnsPacket.streamEncode(q))));
  const replies: ReturnType<typeof dnsPacket.decode>[] = [];
  let buffer = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const length = buffer.readUInt16BE(0);
        replies.push(dnsPacket.streamDecode(buffer.subarray(0, 2 + length)) as ReturnType<typeof dnsPacket.decode>);
        buffer = buffer.subarray(2 + length);
      }
      if (replies.length === queries.length) {
        socket.destroy();
        resolve(replies);
      }
    });
  });
}

/** The data of an answer record (OPT records, which have none, are never read here). */
function dataOf(answer: unknown): unknown {
  return (answer as { data?: unknown } | undefined)?.data;
}

/** One WHOIS exchange; resolves with the reply, or `undefined` if nothing came within `waitMs`. */
function queryWhois(address: string, line: string, waitMs = 2000): Promise<string | undefined> {
  const { host, port } = hostPort(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => socket.write(line));
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(reply || undefined);
    }, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(reply);
    });
    socket.on('error', reject);
  });
}

describe('DNS through node:dns', () => {
  test('MX, TXT and NS of a corpus case, names matched case-insensitively', async () => {
    expect(await resolver.resolveMx('FENER-ZEPHYR17.fr')).toEqual([{ exchange: 'inbound-smtp.us-west-2.amazonaws.com', priority: 10 }]);
    expect(await resolver.resolveTxt('fener-zephyr17.fr')).toEqual([
      ['v=spf1 include:amazonses.com ~all'],
      ['google-site-verification=a4309b7b552e1c549c05'],
    ]);
    expect((await resolver.resolveNs('hazarvertex.fr')).sort()).toEqual(['ns1.hazarvertex.fr', 'ns2.hazarvertex.fr']);
    expect(await resolver.resolveTxt('_dmarc.hazarvertex.fr')).toEqual([['v=DMARC1; p=none; pct=50']]);
  });

  test('an unknown name is ENOTFOUND, a missing _dmarc too, an owner without the type ENODATA', async () => {
    expect(await errorCode(resolver.resolveMx('no-such-domain.example'))).toBe('ENOTFOUND');
    expect(await errorCode(resolver.resolveTxt('_dmarc.acmeion88.eu'))).toBe('ENOTFOUND');
    expect(await errorCode(resolver.resolveMx('acmeion88.eu'))).toBe('ENODATA');
    // An empty non-terminal (selectors exist below it) is NODATA, as in real DNS (RFC 8020).
    expect(await errorCode(resolver.resolveTxt('_domainkey.acmeion88.eu'))).toBe('ENODATA');
    expect(sim.stats().dns.byOutcome).toEqual({ NXDOMAIN: 2, NODATA: 2 });
  });

  test('rcode faults map to ESERVFAIL, EREFUSED, ENOTFOUND and no reply to ETIMEOUT', async () => {
    expect(await errorCode(resolver.resolveMx('yildizion.eu'))).toBe('ESERVFAIL');
    // The fault covers names under the owner too.
    expect(await errorCode(resolver.resolveTxt('_dmarc.yildizion.eu'))).toBe('ESERVFAIL');
    expect(await errorCode(resolver.resolve4('refused.test'))).toBe('EREFUSED');
    expect(await errorCode(resolver.resolveMx('ozan-raven.de'))).toBe('ENOTFOUND');
    expect(await errorCode(resolver.resolveMx('fenerdelta18.io'))).toBe('ETIMEOUT');
    expect(sim.stats().dns.byOutcome).toEqual({ SERVFAIL: 2, REFUSED: 1, NXDOMAIN: 1, TIMEOUT: 1 });
  });

  test('a fault with times recovers after n queries, counted across types and names below', async () => {
    expect(await errorCode(resolver.resolveTxt('_dmarc.xenoapex.com.tr'))).toBe('ESERVFAIL');
    expect(await resolver.resolveMx('xenoapex.com.tr')).toEqual([{ exchange: 'SMTP.GOOGLE.COM', priority: 1 }]);
    expect(await errorCode(resolver.resolve4('slowstart.test'))).toBe('ETIMEOUT');
    expect(await resolver.resolve4('slowstart.test')).toEqual(['192.0.2.9']);
    // reset() restores the budget.
    sim.reset();
    expect(await errorCode(resolver.resolveMx('xenoapex.com.tr'))).toBe('ESERVFAIL');
  });

  test('CNAME chains are followed; the alias itself is readable; a dangling one is NXDOMAIN', async () => {
    expect(await resolver.resolveTxt('www.chain.test')).toEqual([['hello ', 'world']]);
    expect(await resolver.resolve4('www.chain.test')).toEqual(['192.0.2.7']);
    expect(await resolver.resolveCname('www.chain.test')).toEqual(['alias.chain.test']);
    expect(await errorCode(resolver.resolveTxt('dangling.chain.test'))).toBe('ENOTFOUND');
    // Corpus: an M365 DKIM selector delegated to the tenant's onmicrosoft.com record.
    const [dkim] = await resolver.resolveTxt('selector1._domainkey.ekinvadi38.de');
    expect(dkim.join('')).toMatch(/^v=DKIM1;/);
  });

  test('a CNAME to a name without the asked type resolves to [] in node, not ENODATA', async () => {
    expect(await resolver.resolveMx('www.chain.test')).toEqual([]);
    expect(sim.log().at(-1)?.outcome).toBe('NODATA');
  });

  test('a null MX (RFC 7505) reads as exchange "" in node', async () => {
    expect(await resolver.resolveMx('ravenacme47.net')).toEqual([{ exchange: '', priority: 0 }]);
  });

  test('a reply over 512 bytes is truncated over UDP and node retries over TCP; TXT strings are not joined', async () => {
    const records = await resolver.resolveTxt('big.chain.test');
    expect(records).toHaveLength(9);
    expect(records[0]).toEqual([LONG_TXT.slice(0, 255), LONG_TXT.slice(255)]);
    expect(sim.log().map((e) => e.transport)).toEqual(['udp', 'tcp']);
  });

  test('generated cases resolve under their new names', async () => {
    const g = generated.find((c) => c.kind === 'm365');
    if (!g) throw new Error('no generated m365 case');
    const [mx] = await resolver.resolveMx(g.domain);
    expect(mx.exchange.toLowerCase()).toContain(g.domain.replace(/\./g, '-'));
  });

  test('stats count queries per type and outcome', async () => {
    await resolver.resolveMx('fener-zephyr17.fr');
    await resolver.resolveTxt('fener-zephyr17.fr');
    await resolver.resolveTxt('_dmarc.fener-zephyr17.fr');
    await errorCode(resolver.resolveTxt('_dmarc.acmeion88.eu'));
    const { dns, whois, rdap } = sim.stats();
    expect(dns).toEqual({ total: 4, byType: { MX: 1, TXT: 3 }, byOutcome: { NOERROR: 3, NXDOMAIN: 1 } });
    expect(whois.total + rdap.total).toBe(0);
    expect(sim.log()[0]).toMatchObject({ proto: 'dns', name: 'fener-zephyr17.fr', type: 'MX', transport: 'udp', outcome: 'NOERROR' });
  });
});

// the kernel caps a socket's buffer at net.core.rmem_max (208 KB by default on Linux: ~270 queries)
const rmemMax = udpReceiveBufferCap() ?? 0;

describe('DNS over UDP under a burst', () => {
  test.skipIf(rmemMax < SIM_UDP_RECV_BUFFER_BYTES)('2000 queries sent in one go (the server reads none meanwhile) are all answered', async () => {
    const { host, port } = hostPort(sim.dnsAddress);
    const client = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    const answered = new Set<number>();
    client.on('message', (message) => answered.add(dnsPacket.decode(message).id ?? -1));
    const n = 2000;
    // one synchronous loop: every datagram waits in the server's receive buffer until it reads
    for (let id = 1; id <= n; id++) {
      client.send(dnsPacket.encode({ type: 'query', id, questions: [{ type: 'MX', class: 'IN', name: generated[id % generated.length].domain }] }), port, host);
    }
    const deadline = Date.now() + 10_000;
    while (answered.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    client.close();
    expect(answered.size).toBe(n);
  });
});

describe('DNS over TCP', () => {
  test('several framed queries on one connection, AA set, id and question echoed', async () => {
    const [mx, txt, nx] = await queryTcp(sim.dnsAddress, [
      { type: 'query', id: 101, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'MX', class: 'IN', name: 'Hazarvertex.FR' }] },
      { type: 'query', id: 102, questions: [{ type: 'TXT', class: 'IN', name: 'www.chain.test' }] },
      { type: 'query', id: 103, questions: [{ type: 'A', class: 'IN', name: 'nothing.chain.test' }] },
    ]);
    expect(mx).toMatchObject({ id: 101, rcode: 'NOERROR', flag_aa: true, flag_rd: true, questions: [{ name: 'Hazarvertex.FR', type: 'MX' }] });
    expect(mx.answers?.[0]).toMatchObject({ name: 'Hazarvertex.FR', type: 'MX', data: { preference: 0, exchange: 'hazarvertex-fr.mail.protection.outlook.com' } });
    expect(txt.answers?.map((a) => a.type)).toEqual(['CNAME', 'CNAME', 'TXT']);
    const txtData = dataOf(txt.answers?.[2]) as Buffer[];
    expect(txtData.map(String)).toEqual(['hello ', 'world']);
    expect(nx).toMatchObject({ id: 103, rcode: 'NXDOMAIN' });
    expect(sim.log().every((e) => e.transport === 'tcp')).toBe(true);
  });

  test('a null MX goes on the wire as the root name', async () => {
    const [reply] = await queryTcp(sim.dnsAddress, [{ type: 'query', id: 7, questions: [{ type: 'MX', class: 'IN', name: 'ravenacme47.net' }] }]);
    expect(dataOf(reply.answers?.[0])).toEqual({ preference: 0, exchange: '.' });
  });
});

describe('WHOIS', () => {
  test('answers the raw record and closes; an unknown domain gets "No match for"', async () => {
    const reply = await queryWhois(sim.whoisAddress, 'hazarvertex.fr\r\n');
    expect(reply).toContain('domain:                        hazarvertex.fr');
    expect(await queryWhois(sim.whoisAddress, 'unknown-name.fr\r\n')).toBe('No match for "UNKNOWN-NAME.FR".\r\n');
    expect(sim.stats().whois).toEqual({ total: 2, byOutcome: { OK: 1, NOT_FOUND: 1 } });
  });

  test('a throttle fault with times sends the throttle text, then the record', async () => {
    expect(await queryWhois(sim.whoisAddress, 'bora-sedef.nl\r\n')).toBe('%% Too many requests...\n');
    expect(await queryWhois(sim.whoisAddress, 'bora-sedef.nl\r\n')).toContain('bora-sedef.nl');
    expect(await queryWhois(sim.whoisAddress, 'tunanorth.de\n')).toBe('%% Too many requests...\n');
    expect(await queryWhois(sim.whoisAddress, 'tunanorth.de\n')).toBe('%% Too many requests...\n');
  });

  test('a TIMEOUT fault accepts the connection and never answers', async () => {
    expect(await queryWhois(sim.whoisAddress, 'tidal-zephyr.nl\r\n', 300)).toBeUndefined();
    expect(sim.log()).toMatchObject([{ proto: 'whois', name: 'tidal-zephyr.nl', outcome: 'TIMEOUT' }]);
  });
});

describe('RDAP', () => {
  test('200 with the domain object, 404 when unknown or not registered', async () => {
    const ok = await fetch(`${sim.rdapUrl}/domain/fener-zephyr17.fr`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/rdap+json');
    expect(await ok.json()).toMatchObject({ objectClassName: 'domain', ldhName: 'FENER-ZEPHYR17.FR' });
    expect((await fetch(`${sim.rdapUrl}/domain/unknown-name.fr`)).status).toBe(404);
    // ozan-raven.de has a raw "No match" WHOIS reply and no RDAP object.
    expect((await fetch(`${sim.rdapUrl}/rdap/v1/domain/OZAN-RAVEN.DE`)).status).toBe(404);
    expect(sim.stats().rdap).toEqual({ total: 3, byOutcome: { OK: 1, NOT_FOUND: 2 } });
  });

  test('a throttle fault is 429 with Retry-After: 1, and its budget is shared with WHOIS', async () => {
    const throttled = await fetch(`${sim.rdapUrl}/domain/willowxeno.com.tr`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    // The one throttled reply was spent by RDAP: WHOIS now gets the record.
    expect(await queryWhois(sim.whoisAddress, 'willowxeno.com.tr\r\n')).toContain('willowxeno.com.tr');
    expect((await fetch(`${sim.rdapUrl}/domain/willowxeno.com.tr`)).status).toBe(200);
  });

  test('a TIMEOUT fault never answers', async () => {
    const outcome = await fetch(`${sim.rdapUrl}/domain/raven-birch.nl`, { signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
  });

  test('the bootstrap file maps every loaded TLD to the simulator', async () => {
    const res = await fetch(sim.bootstrapUrl);
    const body = (await res.json()) as { version: string; services: [string[], string[]][] };
    expect(body.version).toBe('1.0');
    expect(body.services[0][0]).toEqual(expect.arrayContaining(['com', 'de', 'eu', 'fr', 'io', 'net', 'nl', 'tr', 'uk', 'test']));
    expect(body.services[0][1]).toEqual([`${sim.rdapUrl}/`]);
    expect(sim.stats().bootstrap.total).toBe(1);
    expect(sim.stats().rdap.total).toBe(0);
  });
});

describe('pacing', () => {
  test('above the rate limit: DNS REFUSED, WHOIS throttle text, RDAP 429', async () => {
    const limited = await startSimulator({ cases: corpus, rateLimit: { dnsPerSecond: 5, whoisPerSecond: 2, rdapPerSecond: 2 } });
    try {
      const r = newResolver(limited);
      const codes: Array<string | undefined> = [];
      for (let i = 0; i < 8; i++) codes.push(await errorCode(r.resolveMx('fener-zephyr17.fr')));
      expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'EREFUSED', 'EREFUSED', 'EREFUSED']);
      const whois = [];
      for (let i = 0; i < 3; i++) whois.push(await queryWhois(limited.whoisAddress, 'hazarvertex.fr\n'));
      expect(whois[2]).toBe('%% Too many requests, query rate limit exceeded. Try again later.\r\n');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.rdapUrl}/domain/hazarvertex.fr`)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const stats = limited.stats();
      expect(stats.dns.byOutcome).toEqual({ NOERROR: 5, RATE_LIMITED: 3 });
      expect(stats.whois.byOutcome).toEqual({ OK: 2, RATE_LIMITED: 1 });
      // The other simulator saw none of it.
      expect(sim.stats().dns.total).toBe(0);
    } finally {
      await limited.close();
    }
  });

  test('latency delays replies by the configured range', async () => {
    const slow = await startSimulator({ cases: corpus, latency: { dns: [80, 100], whois: [80, 100], rdap: [80, 100] }, seed: 1 });
    try {
      let t = Date.now();
      await newResolver(slow).resolveMx('fener-zephyr17.fr');
      expect(Date.now() - t).toBeGreaterThanOrEqual(75);
      t = Date.now();
      await queryWhois(slow.whoisAddress, 'hazarvertex.fr\n');
      expect(Date.now() - t).toBeGreaterThanOrEqual(75);
      t = Date.now();
      await fetch(`${slow.rdapUrl}/domain/hazarvertex.fr`);
      expect(Date.now() - t).toBeGreaterThanOrEqual(75);
    } finally {
      await slow.close();
    }
  });

  test('close() drops connections held open by TIMEOUT faults and pending replies', async () => {
    const other = await startSimulator({ cases: corpus, latency: { whois: [5000, 5000] } });
    const { host, port } = hostPort(other.whoisAddress);
    const held = net.connect(port, host, () => held.write('tidal-zephyr.nl\r\n'));
    const pending = net.connect(port, host, () => pending.write('hazarvertex.fr\r\n'));
    const closed = (s: net.Socket) => new Promise<void>((resolve) => s.on('close', () => resolve()));
    held.on('error', () => {});
    pending.on('error', () => {});
    const rdapHeld = fetch(`${other.rdapUrl}/domain/raven-birch.nl`).catch(() => 'dropped');
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    await other.close();
    await Promise.all([closed(held), closed(pending), rdapHeld]);
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
