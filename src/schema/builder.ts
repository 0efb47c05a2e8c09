/** The Pothos builder and the GraphQL context. No types here: one file per type beside it. */
import SchemaBuilder from '@pothos/core';
import type { Principal } from '../auth/principal.js';
import type { Services } from '../services/services.js';

export interface GraphQLContext {
  services: Services;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Who is calling (API key name, client address): job ownership and quotas. */
  principal: Principal;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
});

builder.queryType({ description: 'Read scans, jobs and stored leads.' });
builder.mutationType({ description: 'Start scans.' });
