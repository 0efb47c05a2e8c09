/**
 * The key check in front of every door. With keys configured, a request needs one in
 * `X-API-Key` (or `Authorization: Bearer <key>`), except the few public paths below; the
 * principal (key name, client address) is set for every request, keys or not.
 */
import type { MiddlewareHandler } from 'hono';
import { createKeyMatcher, type ApiKey } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import type { AppEnv } from './app-env.js';

/** Static pages and health: served without a key (the pages then ask for one). */
const PUBLIC_GET_PATHS = [/^\/$/, /^\/index\.html$/, /^\/favicon\.ico$/, /^\/assets\//, /^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/mini-ui(\/|$)/];
const HEALTH_PATHS = /^\/healthz(\/live|\/ready)?\/?$/;

export function isPublicRequest(request: Request, pathname: string): boolean {
  if (request.method === 'OPTIONS') return true;
  if (HEALTH_PATHS.test(pathname)) return true;
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (PUBLIC_GET_PATHS.some((p) => p.test(pathname))) return true;
  // GraphiQL's page (a GET asking for HTML without an operation); its requests carry the key
  return pathname === '/graphql' && (request.headers.get('accept') ?? '').includes('text/html') && !new URL(request.url).searchParams.has('query');
}

/** The key a request presents, from `X-API-Key` or `Authorization: Bearer`. */
export function presentedKey(headers: { get(name: string): string | null }): string | null {
  const header = headers.get('x-api-key');
  if (header) return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '');
  return bearer ? bearer[1].trim() : null;
}

/** The client's address from the Node request the server adapter passes as Hono's env. */
export function clientAddress(env: unknown): string {
  const socket = (env as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  return socket?.remoteAddress ?? 'local';
}

const unauthorized = (pathname: string, reason: string) =>
  pathname === '/graphql'
    ? Response.json({ errors: [{ message: reason, extensions: { code: 'UNAUTHENTICATED' } }], detail: reason }, { status: 401 })
    : Response.json({ detail: reason }, { status: 401, headers: { 'www-authenticate': 'ApiKey header="X-API-Key"' } });

export function apiKeyAuth(keys: ApiKey[]): MiddlewareHandler<AppEnv> {
  const match = createKeyMatcher(keys);
  return async (c, next) => {
    const address = clientAddress(c.env);
    if (keys.length === 0) {
      c.set('principal', { keyName: null, address } satisfies Principal);
      return next();
    }
    const presented = presentedKey(c.req.raw.headers);
    const keyName = match(presented);
    if (keyName === null && !isPublicRequest(c.req.raw, c.req.path)) {
      return unauthorized(c.req.path, presented ? 'Invalid API key' : 'Missing API key: send it in the X-API-Key header');
    }
    c.set('principal', { keyName, address });
    return next();
  };
}
