/**
 * Port-43 WHOIS I/O (RFC 3912): connect, send the query line, read until the server closes.
 *
 * Not whoiser's `query()`: it decodes each TCP chunk to a string on its own (a multi-byte UTF-8
 * character split across two chunks turns into garbage, which real Turkish and German replies
 * hit), its timeout is an idle timeout rather than a deadline, and it takes no AbortSignal.
 */
import net from 'node:net';
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
}

/** Send one WHOIS query and return the raw reply text. Rejects with transient ScanErrors. */
export function queryWhois(options: WhoisQueryOptions): Promise<string> {
  return timeUpstream('whois', () => exchangeWhois(options));
}

function exchangeWhois(options: WhoisQueryOptions): Promise<string> {
  const { host, port, query, timeoutMs, signal, maxBytes = 1 << 20 } = options;
  const upstream = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.connect({ host, port });
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
        createScanError('whois_connection_error', `WHOIS server ${upstream}: ${error.code ?? error.message}`, {
          cause: error,
          upstream,
        }),
      ),
    );
  });
}
