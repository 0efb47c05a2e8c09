/**
 * The REST-compat door (spec/api.md): one OpenAPI app, one file per resource registering its
 * routes, served by the HTTP app at its paths and under /api/v1. Thin: validate, call a
 * service, serialise. The OpenAPI document is generated from the same zod schemas that
 * validate the requests.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import type { Services } from '../services/services.js';
import { registerBulkRoutes } from './bulk.routes.js';
import { registerDashboardRoutes } from './dashboard.routes.js';
import { registerIngestRoutes } from './ingest.routes.js';
import { registerJobRoutes } from './jobs.routes.js';
import { registerLeadRoutes } from './leads.routes.js';
import { registerRescanRoutes } from './rescan.routes.js';
import { validationHook } from './rest.validation.js';
import { registerScanRoutes } from './scan.routes.js';

export interface RestOptions {
  services: Services;
}

export function createRestApp({ services }: RestOptions) {
  const rest = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
  // literal routes before patterns: `/scan/bulk/rescan` is not a job id
  registerRescanRoutes(rest, services);
  registerScanRoutes(rest, services);
  registerBulkRoutes(rest, services);
  registerIngestRoutes(rest, services);
  registerLeadRoutes(rest, services);
  registerDashboardRoutes(rest, services);
  registerJobRoutes(rest, services);
  rest.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  return rest;
}

export type RestApp = ReturnType<typeof createRestApp>;

/** The OpenAPI 3.1 document of the REST routes. */
export function openApiDocument(rest: RestApp, version: string) {
  return rest.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'domain-scout REST-compat API',
      version,
      description: 'The routes of the earlier service, served at these paths and under /api/v1. With API keys configured, send one in X-API-Key.',
    },
    security: [{ ApiKey: [] }],
  });
}
