/** `POST /scan/domain`: scan one domain now (spec/api.md). */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { quotaSubject } from '../auth/principal.js';
import type { AppEnv } from '../http/app-env.js';
import { missingField } from '../services/input.errors.js';
import type { Services } from '../services/services.js';
import { LeadSchema, ScanFailureBodySchema } from './lead.schemas.js';
import { commonResponses, jsonContent } from './rest.schemas.js';
import { ScanDomainRequestSchema } from './scan.schemas.js';

const scanDomainRoute = createRoute({
  method: 'post',
  path: '/scan/domain',
  tags: ['scans'],
  summary: 'Scan one domain now',
  description: 'Same code path and retry policy as a worker. A URL or e-mail address is reduced to its registrable domain.',
  request: { body: { required: true, content: { 'application/json': { schema: ScanDomainRequestSchema } } } },
  responses: {
    200: jsonContent(LeadSchema, 'The scan result'),
    ...commonResponses,
    503: jsonContent(ScanFailureBodySchema, 'A transient failure that outlived its retries'),
  },
});

export function registerScanRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(scanDomainRoute, async (c) => {
    const body = c.req.valid('json');
    if (body.domain === undefined) throw missingField('domain');
    const lead = await services.singleScan.scan(body.domain, c.req.raw.signal, quotaSubject(c.get('principal')));
    return c.json(lead, 200);
  });
}
