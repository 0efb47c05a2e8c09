/**
 * Binding the API's port: who may listen where, and a bind that fails loudly.
 * Secure by default (issue 11): without API keys the API listens on loopback only; any other
 * address without keys needs SCOUT_ALLOW_ANONYMOUS=1. A port already taken stops the process
 * (non-zero exit, one message) before anything else starts (no worker consuming jobs behind a
 * dead HTTP door).
 */
import type { Server } from 'node:http';
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 (also v4-mapped) and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * The message that refuses an anonymous bind beyond loopback, or undefined when the bind is
 * allowed. Pure.
 */
export function anonymousBindRefusal(host: string, keyCount: number, allowAnonymous: boolean): string | undefined {
  if (keyCount > 0 || allowAnonymous || isLoopbackHost(host)) return undefined;
  return (
    `Refusing to listen on ${host} without API keys: anyone who can reach that address could start, read and cancel jobs. ` +
    'Set SCOUT_API_KEYS="name:key,..." (clients send X-API-Key), or bind loopback only (HOST=127.0.0.1, the default), ' +
    'or set SCOUT_ALLOW_ANONYMOUS=1 to serve without keys on purpose.'
  );
}

export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Listen on host:port; rejects with a ListenError that says what to do (EADDRINUSE, EACCES, ...). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `${host}:${port}`;
      const message =
        error.code === 'EADDRINUSE'
          ? `Port ${port} on ${host} is already in use (EADDRINUSE): another domain-scout or another program listens on ${where}. Stop it, or set PORT to a free port.`
          : error.code === 'EACCES'
            ? `Not allowed to listen on ${where} (EACCES): ports below 1024 need privileges; set PORT to 1024 or above.`
            : error.code === 'EADDRNOTAVAIL'
              ? `Cannot listen on ${where} (EADDRNOTAVAIL): HOST is not an address of this machine.`
              : `Cannot listen on ${where}: ${error.message}`;
      reject(new ListenError(message, error.code));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
