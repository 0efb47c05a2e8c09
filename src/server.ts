/**
 * The HTTP app: GraphQL (yoga, GraphiQL on) at /graphql, the REST-compat routes, /healthz.
 * `createApp` builds it over already-built services; `main.ts` listens. Tests call `app.fetch`.
 */
import { createServerAdapter } from '@whatwg-node/server';
import { createYoga } from 'graphql-yoga';
import type { Logger } from './logger.js';
import { json } from './rest/rest.errors.js';
import { createRestHandler } from './rest/routes.js';
import type { GraphQLContext } from './schema/builder.js';
import { buildSchema } from './schema/index.js';
import type { Services } from './services/services.js';

export interface AppOptions {
  services: Services;
  logger: Logger;
  /** When non-empty, every request but /healthz needs one of these in `X-API-Key`. */
  apiKeys?: string[];
  /** Extra health checks (Redis, database): name -> check. */
  health?: Record<string, () => Promise<unknown>>;
}

export function createApp({ services, logger, apiKeys = [], health = {} }: AppOptions) {
  const schema = buildSchema();
  const yoga = createYoga<{}, GraphQLContext>({
    schema,
    graphiql: true,
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    context: ({ request }) => ({ services, signal: request?.signal }),
  });
  const handleRest = createRestHandler({ services, log: (error) => logger.error({ err: error }, 'REST handler failed') });
  const keys = new Set(apiKeys);

  async function checkHealth(): Promise<Response> {
    const results: Record<string, string> = {};
    let ok = true;
    for (const [name, check] of Object.entries(health)) {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        ok = false;
        results[name] = `error: ${(error as Error).message}`;
      }
    }
    return json({ status: ok ? 'ok' : 'degraded', checks: results }, ok ? 200 : 503);
  }

  async function handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/healthz') return checkHealth();
    if (keys.size > 0 && !keys.has(request.headers.get('x-api-key') ?? '')) {
      return json({ detail: 'Invalid or missing API key (X-API-Key)' }, 401);
    }
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) return yoga.fetch(request);
    const rest = await handleRest(request);
    if (rest) return rest;
    return json({ detail: 'Not Found' }, 404);
  }

  /**
   * Every response says how long the app took (`Server-Timing: app;dur=<ms>`; for a streamed
   * body, until its headers): client-side latency minus this is the network and the client.
   */
  async function handleTimed(request: Request): Promise<Response> {
    const started = performance.now();
    const response = await handle(request);
    try {
      response.headers.set('server-timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    } catch {
      // a response with immutable headers goes out without it
    }
    return response;
  }

  const adapter = createServerAdapter(handleTimed);
  return { fetch: adapter.fetch, handleNodeRequest: adapter, yoga, schema };
}

export type App = ReturnType<typeof createApp>;
