/** `Query.dashboard`: counters over the scanned leads (the numbers `GET /dashboard` shows). */
import { translateErrors } from '../resolvers/errors.js';
import type { LeadCounters } from '../store/store.types.js';
import { builder } from './builder.js';

const DashboardRef = builder.objectRef<LeadCounters>('Dashboard').implement({
  description: 'Counters over the scanned leads (one per domain).',
  fields: (t) => ({
    totalLeads: t.int({ resolve: (d) => d.total }),
    migration: t.int({ resolve: (d) => d.bySegment.Migration }),
    existing: t.int({ resolve: (d) => d.bySegment.Existing }),
    cold: t.int({ resolve: (d) => d.bySegment.Cold }),
    skip: t.int({ resolve: (d) => d.bySegment.Skip }),
    avgScore: t.float({ description: 'Mean readiness score, 2 decimals; 0 when there are no leads.', resolve: (d) => d.avgScore }),
    maxScore: t.int({ nullable: true, resolve: (d) => d.maxScore }),
    highPriority: t.int({ description: 'Migration leads with a readiness score of 70 or more.', resolve: (d) => d.highPriority }),
  }),
});

builder.queryField('dashboard', (t) =>
  t.field({
    type: DashboardRef,
    description: 'Counters over the scanned leads.',
    resolve: (_root, _args, ctx) => translateErrors(() => ctx.services.leads.counters()),
  }),
);
