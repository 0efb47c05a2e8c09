/** `GET /dashboard` and `GET /dashboard/kpis`: counters over the scanned leads. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import type { Services } from '../services/services.js';
import { DashboardSchema, KpisSchema } from './dashboard.schemas.js';
import { commonResponses, jsonContent } from './rest.schemas.js';

const dashboardRoute = createRoute({
  method: 'get',
  path: '/dashboard',
  tags: ['dashboard'],
  summary: 'Lead counters by segment, average and best score',
  responses: { 200: jsonContent(DashboardSchema, 'Counters over the scanned leads'), ...commonResponses },
});

const kpisRoute = createRoute({
  method: 'get',
  path: '/dashboard/kpis',
  tags: ['dashboard'],
  summary: 'The KPI header of the old UI',
  responses: { 200: jsonContent(KpisSchema, 'Four headline counters'), ...commonResponses },
});

export function registerDashboardRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(dashboardRoute, async (c) => {
    const d = await services.leads.counters();
    return c.json(
      {
        total_leads: d.total,
        migration: d.bySegment.Migration,
        existing: d.bySegment.Existing,
        cold: d.bySegment.Cold,
        skip: d.bySegment.Skip,
        avg_score: d.avgScore,
        max_score: d.maxScore,
        high_priority: d.highPriority,
      },
      200,
    );
  });

  app.openapi(kpisRoute, async (c) => {
    const d = await services.leads.counters();
    return c.json({ total_leads: d.total, migration_leads: d.bySegment.Migration, high_priority: d.highPriority, max_score: d.maxScore }, 200);
  });
}
