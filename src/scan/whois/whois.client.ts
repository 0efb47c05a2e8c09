/**
 * Port-43 WHOIS I/O (RFC 3912): connect, send the query line, read until the server closes.
 *
 * Not whoiser's `query()`: it decodes each TCP chunk to a string on its own (a multi-byte UTF-8
 * character split across two chunks turns into garbage, which real Turkish and German replies
 * hit), its timeout is an idle timeout rather than a deadline, and it takes no AbortSignal.
 */
import net, { type LookupFunction } from 'node:net';
import { assertPublicHost, createPublicLookup } from '../net/public-lookup.js';
import { timeUpstream } from '../../observability/metrics.js';
import { createScanError } from '../scan.errors.js';

export interface WhoisQueryOptions {
  host: string;
  port: number;
  query: string;
  /** Deadline for the whole exchange (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop reading after this many bytes (a misbehaving server must not fill memory). */
  maxBytes?: number;
  /**
   * A server the service found itself (shipped table, IANA referral), not one the operator
   * configured: connect only to a public address (an IP literal is checked before connecting,
   * a name at connect time on the addresses it resolves to). Default false.
   */
  publicOnly?: boolean;
  /** Name resolution when `publicOnly` (tests); default the system resolver. */
  lookup?: LookupFunction;
}

const publicLookup = createPublicLookup();

/** Send one WHOIS query and return the raw reply text. Rejects with transient ScanErrors. */
export function queryWhois(options: WhoisQueryOptions): Promise<string> {
  return timeUpstream('whois', () => exchangeWhois(options));
}

function exchangeWhois(options: WhoisQueryOptions): Promise<string> {
  const { host, port, query, timeoutMs, signal, maxBytes = 1 << 20, publicOnly = false } = options;
  const upstream = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    if (publicOnly) {
      try {
        assertPublicHost(host);
      } catch (error) {
        return reject(createScanError('whois_connection_error', `WHOIS server ${upstream}: ${(error as Error).message}`, { cause: error, upstream }));
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.connect(publicOnly ? { host, port, lookup: options.lookup ?? publicLookup } : { host, port });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAbort = () =>
      finish(createScanError('whois_timeout', `WHOIS query to ${upstream} aborted: time budget used up`, { upstream }));
    const timer = setTimeout(
      () => finish(createScanError('whois_timeout', `WHOIS server ${upstream} did not answer within ${timeoutMs} ms`, { upstream })),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.on('connect', () => socket.write(`${query}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        createScanError('whois_connection_error', `WHOIS server ${upstream}: ${error.code === 'ERR_BLOCKED_ADDRESS' ? error.message : (error.code ?? error.message)}`, {
          cause: error,
          upstream,
        }),
      ),
    );
  });
}
