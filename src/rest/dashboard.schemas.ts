/** Dashboard counters on the old clients' wire (spec/api.md, part 2). */
import { z } from '@hono/zod-openapi';

const count = z.number().int().min(0);

export const DashboardSchema = z
  .object({
    total_leads: count,
    migration: count,
    existing: count,
    cold: count,
    skip: count,
    avg_score: z.number().openapi({ description: 'Mean readiness score (2 decimals), 0.0 when empty' }),
    max_score: z.number().int().nullable(),
    high_priority: count.openapi({ description: 'Migration leads with readiness_score >= 70' }),
  })
  .openapi('Dashboard');

export const KpisSchema = z
  .object({ total_leads: count, migration_leads: count, high_priority: count, max_score: z.number().int().nullable() })
  .openapi('DashboardKpis');
