/**
 * Port-43 style WHOIS server (RFC 3912): one query line per connection, the reply, then close.
 */
import net from 'node:net';
import { normalizeName } from './case-index.js';
import { createTimerSet } from './pacing.js';
import type { SimServerOptions } from './server-options.js';
import { answerRegistryQuery } from './registry-answer.js';
import type { SimOutcome } from './sim.types.js';

/** Options of {@link startWhoisServer}. */
export type WhoisServerOptions = SimServerOptions;

/** A running WHOIS server. */
export interface WhoisServer {
  port: number;
  close(): Promise<void>;
}

/** What the server sends when its own rate limit trips (a real registry's wording). */
export const WHOIS_RATE_LIMIT_REPLY = '%% Too many requests, query rate limit exceeded. Try again later.\r\n';

// A query is one short line; anything longer is not a WHOIS client.
const MAX_QUERY_BYTES = 1024;

/** Verisign's wording for an unregistered name. */
export function formatWhoisNotFound(domain: string): string {
  return `No match for "${domain.toUpperCase()}".\r\n`;
}

/**
 * The domain in a query line. Tolerates registry-specific syntax clients send:
 * `=example.com` (Verisign), `-T dn,ace example.de` (DENIC), `domain example.com`.
 */
export function parseWhoisQuery(line: string): string {
  const tokens = line.trim().split(/\s+/);
  const last = tokens[tokens.length - 1] ?? '';
  return normalizeName(last.replace(/^=/, ''));
}

/** Start the WHOIS server. */
export async function startWhoisServer(options: WhoisServerOptions): Promise<WhoisServer> {
  const timers = createTimerSet();
  const sockets = new Set<net.Socket>();
  let closed = false;

  function answer(socket: net.Socket, line: string): void {
    const domain = parseWhoisQuery(line);
    const t = Date.now();
    let outcome: SimOutcome;
    let reply: string | undefined;
    if (options.pacing.rate.hit()) {
      outcome = 'RATE_LIMITED';
      reply = WHOIS_RATE_LIMIT_REPLY;
    } else {
      const decision = answerRegistryQuery(domain, options.index, options.faults);
      if (decision.kind === 'timeout') outcome = 'TIMEOUT';
      else if (decision.kind === 'throttle') [outcome, reply] = ['THROTTLE', decision.reply];
      else if (decision.kind === 'found' && decision.whois.raw !== undefined) [outcome, reply] = ['OK', decision.whois.raw];
      else [outcome, reply] = ['NOT_FOUND', formatWhoisNotFound(domain)];
    }
    options.recorder.record({ t, proto: 'whois', name: domain, outcome });
    // TIMEOUT: keep the connection open and silent until the client gives up or we close.
    if (reply === undefined) return;
    const text = reply;
    timers.later(options.pacing.delay(), () => {
      if (!closed && !socket.destroyed) socket.end(text);
    });
  }

  // allowHalfOpen: a client may send its query and shut its side (FIN) before reading the reply.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let answered = false;
    const take = (line: string) => {
      answered = true;
      answer(socket, line);
    };
    socket.on('data', (chunk) => {
      if (answered) return;
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline >= 0) take(buffered.subarray(0, newline).toString('utf8'));
      else if (buffered.length > MAX_QUERY_BYTES) socket.destroy();
    });
    socket.on('end', () => {
      if (answered) return;
      if (buffered.length > 0) take(buffered.toString('utf8'));
      else socket.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    async close() {
      closed = true;
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
