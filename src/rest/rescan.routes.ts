/**
 * `POST /scan/bulk/rescan` and `POST /scan/{domain}/rescan`. The literal bulk route is
 * registered first, so `bulk` is never taken for a domain (nor `rescan` for a job id).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ownerOf, quotaSubject } from '../auth/principal.js';
import type { AppEnv } from '../http/app-env.js';
import { InputError } from '../services/input.errors.js';
import type { Services } from '../services/services.js';
import { DomainParamSchema } from './leads.schemas.js';
import { commonResponses, DetailSchema, jsonContent } from './rest.schemas.js';
import { BulkRescanQuerySchema, BulkRescanStartedSchema, RescanResultSchema } from './rescan.schemas.js';

const bulkRescanRoute = createRoute({
  method: 'post',
  path: '/scan/bulk/rescan',
  tags: ['rescan'],
  summary: 'Rescan a list of domains as one bulk job',
  request: { query: BulkRescanQuerySchema },
  responses: {
    200: jsonContent(BulkRescanStartedSchema, 'An ordinary bulk job (poll GET /scan/bulk/{job_id})'),
    400: jsonContent(DetailSchema, 'Missing or empty list, no valid domain, or over 1000'),
    ...commonResponses,
  },
});

const rescanRoute = createRoute({
  method: 'post',
  path: '/scan/{domain}/rescan',
  tags: ['rescan'],
  summary: 'Scan a domain now and compare with its previous stored scan',
  request: { params: DomainParamSchema },
  responses: {
    200: jsonContent(RescanResultSchema, 'The diff (a failed scan is success: false)'),
    400: jsonContent(DetailSchema, 'Invalid domain format'),
    ...commonResponses,
  },
});

export function registerRescanRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(bulkRescanRoute, async (c) => {
    const { domain_list } = c.req.valid('query');
    const principal = c.get('principal');
    const started = await services.oldClients.rescan.rescanMany(domain_list, ownerOf(principal), quotaSubject(principal));
    return c.json({ job_id: started.job.id, status: 'pending' as const, total: started.total, message: 'Bulk rescan job created' }, 200);
  });

  app.openapi(rescanRoute, async (c) => {
    const { domain } = c.req.valid('param');
    let r;
    try {
      r = await services.oldClients.rescan.rescan(domain, c.req.raw.signal, quotaSubject(c.get('principal')));
    } catch (error) {
      if (error instanceof InputError) return c.json({ detail: 'Invalid domain format' }, 400);
      throw error;
    }
    return c.json(
      {
        domain: r.domain,
        success: r.success,
        changes_detected: r.changesDetected,
        signal_changes: r.signalChanges,
        score_changes: r.scoreChanges,
        alerts_created: 0 as const,
        changes: r.changes,
        result: r.result,
        error: r.error,
      },
      200,
    );
  });
}
