/**
 * RDAP server (RFC 9082/9083 domain lookups) plus an IANA-style bootstrap file (RFC 9224)
 * pointing every loaded TLD at itself.
 */
import http from 'node:http';
import type net from 'node:net';
import { normalizeName } from './case-index.js';
import { createTimerSet } from './pacing.js';
import type { SimServerOptions } from './server-options.js';
import { answerRegistryQuery } from './registry-answer.js';
import type { SimOutcome } from './sim.types.js';

/** Options of {@link startRdapServer}. */
export type RdapServerOptions = SimServerOptions;

/** A running RDAP server. */
export interface RdapServer {
  port: number;
  /** `http://host:port`, no trailing slash: lookups go to `${baseUrl}/domain/<name>`. */
  baseUrl: string;
  /** `${baseUrl}/bootstrap/dns.json`. */
  bootstrapUrl: string;
  close(): Promise<void>;
}

/** Path of the bootstrap file. */
export const BOOTSTRAP_PATH = '/bootstrap/dns.json';

// Any prefix is accepted so a client configured with a base path still reaches the simulator.
const DOMAIN_PATH = /\/domain\/([^/]+)\/?$/;

interface RdapReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The bootstrap file (RFC 9224 section 4) listing `tlds` as served at `baseUrl`. */
export function buildBootstrapFile(tlds: string[], baseUrl: string): unknown {
  return {
    version: '1.0',
    publication: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    description: 'domain-scout simulator: every TLD of the loaded cases',
    services: [[tlds, [`${baseUrl}/`]]],
  };
}

/** Start the RDAP server. */
export async function startRdapServer(options: RdapServerOptions): Promise<RdapServer> {
  const timers = createTimerSet();
  let closed = false;
  let baseUrl = '';

  function lookup(domain: string): { outcome: SimOutcome; reply?: RdapReply } {
    if (options.pacing.rate.hit()) return { outcome: 'RATE_LIMITED', reply: tooManyRequests('query rate limit exceeded') };
    const decision = answerRegistryQuery(domain, options.index, options.faults);
    switch (decision.kind) {
      case 'timeout':
        return { outcome: 'TIMEOUT' };
      case 'throttle':
        return { outcome: 'THROTTLE', reply: tooManyRequests(decision.reply.trim()) };
      case 'found':
        if (decision.whois.rdap) return { outcome: 'OK', reply: { status: 200, body: decision.whois.rdap } };
        return { outcome: 'NOT_FOUND', reply: notFound(domain) };
      case 'unknown':
        return { outcome: 'NOT_FOUND', reply: notFound(domain) };
    }
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, { status: 405, body: rdapError(405, 'Method Not Allowed') });
    if (path === BOOTSTRAP_PATH) {
      options.recorder.recordBootstrapFetch();
      return send(res, { status: 200, body: buildBootstrapFile(options.index.tlds(), baseUrl), headers: { 'content-type': 'application/json' } });
    }
    const match = DOMAIN_PATH.exec(path);
    if (!match) return send(res, { status: 400, body: rdapError(400, 'Bad Request', [`unsupported path ${path}`]) });
    const domain = normalizeName(safeDecode(match[1]));
    const { outcome, reply } = lookup(domain);
    options.recorder.record({ t: Date.now(), proto: 'rdap', name: domain, outcome });
    // TIMEOUT: leave the request open; close() drops the connection.
    if (!reply) return;
    timers.later(options.pacing.delay(), () => {
      if (!closed) send(res, reply);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  baseUrl = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  return {
    port,
    baseUrl,
    bootstrapUrl: `${baseUrl}${BOOTSTRAP_PATH}`,
    async close() {
      closed = true;
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // Drops keep-alive sockets and requests held open by a TIMEOUT fault.
      server.closeAllConnections();
      await done;
    },
  };
}

function send(res: http.ServerResponse, reply: RdapReply): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/rdap+json',
    // RFC 7480 5.6: RDAP servers should allow cross-origin reads.
    'access-control-allow-origin': '*',
    ...reply.headers,
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function notFound(domain: string): RdapReply {
  return { status: 404, body: rdapError(404, 'Not Found', [`${domain} is not registered`]) };
}

function tooManyRequests(detail: string): RdapReply {
  return { status: 429, body: rdapError(429, 'Too Many Requests', [detail]), headers: { 'retry-after': '1' } };
}

/** RFC 9083 section 6 error response. */
function rdapError(errorCode: number, title: string, description: string[] = []): unknown {
  return { rdapConformance: ['rdap_level_0'], errorCode, title, description };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
