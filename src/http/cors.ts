/**
 * CORS from the allow-list `SCOUT_CORS_ORIGINS` (none by default: same origin only). Keys travel
 * in a header, never in cookies, so credentials are never allowed. Preflights answer 204 before
 * the key check.
 */
import { cors } from 'hono/cors';

export function corsFromAllowList(origins: string[]) {
  const allowed = new Set(origins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowHeaders: ['content-type', 'accept', 'x-api-key', 'authorization', 'x-graphql-yoga-csrf'],
    exposeHeaders: ['content-disposition', 'retry-after', 'server-timing'],
    credentials: false,
    maxAge: 600,
  });
}
