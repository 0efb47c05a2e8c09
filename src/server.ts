/**
 * The HTTP app: one Hono router in front of every door. Middlewares in order: Server-Timing,
 * CORS (preflights answer here), the key check (sets the principal), the body cap. Then
 * GraphQL (yoga) at /graphql, the REST-compat routes at their paths and under /api/v1, the
 * OpenAPI document, /healthz. `createApp` builds it over already-built services; `main.ts`
 * listens. Tests call `app.fetch`.
 */
import { createServerAdapter } from '@whatwg-node/server';
import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { ApiKey } from './auth/api-keys.js';
import { configFromEnv, type GraphQLConfig } from './config.js';
import { apiKeyAuth } from './http/auth.js';
import type { AppEnv } from './http/app-env.js';
import { bodyCap } from './http/body-limit.js';
import { corsFromAllowList } from './http/cors.js';
import { miniUi } from './http/mini-ui.js';
import { staticPages } from './http/static.js';
import type { Logger } from './logger.js';
import { handleObservability, runChecks } from './observability/health.js';
import { renderMetrics } from './observability/metrics.js';
import { requestLog, useRequestLogInfo } from './observability/request-log.js';
import { createRestApp, openApiDocument } from './rest/rest.app.js';
import { errorResponse, json } from './rest/rest.errors.js';
import { buildSchema } from './schema/index.js';
import { createGraphQLGuards } from './schema/limits.js';
import type { Services } from './services/services.js';
import { createYogaServer } from './yoga.js';

export interface AppOptions {
  services: Services;
  logger: Logger;
  /** When non-empty, every door but the public paths needs one of these (X-API-Key). */
  apiKeys?: ApiKey[];
  /** Browser origins allowed by CORS; none by default. */
  corsOrigins?: string[];
  /** Largest request body in bytes (SCOUT_MAX_BODY_BYTES); 2 MB by default. */
  maxBodyBytes?: number;
  /** GraphQL limits and developer aids (SCOUT_GRAPHQL_*, SCOUT_GRAPHIQL, SCOUT_INTROSPECTION); the defaults by default. */
  graphql?: GraphQLConfig;
  /** Largest bulk list (SCOUT_MAX_BULK): the bound of list fields in the GraphQL cost estimate. */
  maxBulk?: number;
  /** Extra health checks (Redis, database): name -> check. */
  health?: Record<string, () => Promise<unknown>>;
  /** The dashboard's built pages (`/`, `/docs`, `/assets/*`); dist/web by default. */
  webRoot?: string;
  /** The old service's browser UI folder (SCOUT_MINI_UI_DIR), served at /mini-ui/. */
  miniUiDir?: string;
}

const VERSION = process.env.npm_package_version ?? '0.1.0';
const DEFAULT_CONFIG = configFromEnv({});

export function createApp({ services, logger, apiKeys = [], corsOrigins = [], maxBodyBytes = 2 * 1024 * 1024, graphql = DEFAULT_CONFIG.graphql, maxBulk = DEFAULT_CONFIG.jobs.maxBulk, health = {}, webRoot, miniUiDir }: AppOptions) {
  const schema = buildSchema();
  const yoga = createYogaServer({
    schema,
    services,
    logger,
    keysConfigured: apiKeys.length > 0,
    graphiql: graphql.graphiql,
    // the request log names each GraphQL operation and the job it is about
    plugins: [...createGraphQLGuards({ limits: graphql, weights: { maxBulk } }), useRequestLogInfo()],
  });
  const rest = createRestApp({ services });
  const app = new Hono<AppEnv>();

  // one line per request (method, route, status, ms, key name, job id) and the HTTP latency metric
  app.use(requestLog(logger));

  // Every response says how long the app took (for a streamed body, until its headers):
  // client-side latency minus this is the network and the client.
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    try {
      c.res.headers.set('server-timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    } catch {
      // a response with immutable headers goes out without it
    }
  });
  app.use(corsFromAllowList(corsOrigins));
  app.use(apiKeyAuth(apiKeys));
  app.use(bodyCap(maxBodyBytes));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c, methods) => c.json({ detail: 'Method Not Allowed' }, 405, { allow: methods.join(', ') }) }));

  // the earlier service's shape; bounded like /healthz/ready, and as reticent about why
  app.get('/healthz', async () => {
    const results = await runChecks(health);
    const ok = results.every(([, failure]) => failure === null);
    return json({ status: ok ? 'ok' : 'degraded', checks: Object.fromEntries(results.map(([name, failure]) => [name, failure === null ? 'ok' : `error: ${failure}`])) }, ok ? 200 : 503);
  });

  // /healthz/live, /healthz/ready (bounded: 503 with the reason within a second), /metrics
  app.get('/healthz/live', (c) => handleObservability(c.req.path, health, renderMetrics) as Promise<Response>);
  app.get('/healthz/ready', (c) => handleObservability(c.req.path, health, renderMetrics) as Promise<Response>);
  app.get('/metrics', (c) => handleObservability(c.req.path, health, renderMetrics) as Promise<Response>);

  app.on(['GET', 'POST'], '/graphql', (c) => yoga.fetch(c.req.raw, { principal: c.get('principal') }));

  const document = openApiDocument(rest, VERSION);
  app.get('/openapi.json', (c) => c.json(document));

  app.route('/', rest);
  app.route('/api/v1', rest);

  // the old service's browser UI (SCOUT_MINI_UI_DIR), when configured
  if (miniUiDir) app.route('/', miniUi(miniUiDir));
  app.route('/', staticPages(webRoot));

  app.notFound(() => json({ detail: 'Not Found' }, 404));
  app.onError((error) => errorResponse(error, (e) => logger.error({ err: e }, 'request failed')));

  const handle = (request: Request, serverContext?: unknown) => app.fetch(request, serverContext);
  const adapter = createServerAdapter(handle);
  return { fetch: adapter.fetch, handleNodeRequest: adapter, hono: app, yoga, schema, rest };
}

export type App = ReturnType<typeof createApp>;
