/** Thin resolvers of bulk scans: translate arguments, call the services. */
import { ownerOf, quotaSubject, viewerOf } from '../auth/principal.js';
import { watchJobProgress, watchJobResults } from '../jobs/progress.js';
import type { GraphQLContext } from '../schema/builder.js';
import { InputError, NotFoundError } from '../services/input.errors.js';
import { translateErrors } from './errors.js';

export const startBulkScan = (ctx: GraphQLContext, domains: string[]) => translateErrors(() => ctx.services.bulk.start(domains, ownerOf(ctx.principal), quotaSubject(ctx.principal)));

export const cancelBulkScan = (ctx: GraphQLContext, id: string) => translateErrors(() => ctx.services.bulk.cancel(id, viewerOf(ctx.principal)));

export const bulkScan = (ctx: GraphQLContext, id: string) =>
  translateErrors(async () => {
    try {
      return await ctx.services.bulk.get(id, viewerOf(ctx.principal));
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  });

export const jobErrors = (ctx: GraphQLContext, id: string) => translateErrors(() => ctx.services.bulk.errors(id, viewerOf(ctx.principal)));

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InputError(`invalid cursor "${cursor}"`);
  return Number(match[1]);
}

export const jobResults = (ctx: GraphQLContext, id: string, first: number, after?: string) =>
  translateErrors(async () => {
    if (first < 1 || first > 1000) throw new InputError('first must be between 1 and 1000');
    const page = await ctx.services.bulk.partialResults(id, viewerOf(ctx.principal), decodeCursor(after), first);
    return {
      items: page.leads,
      endCursor: page.nextOffset === null ? null : encodeCursor(page.nextOffset),
      hasNextPage: page.nextOffset !== null,
    };
  });

async function ensureJob(ctx: GraphQLContext, id: string) {
  await translateErrors(() => ctx.services.bulk.get(id, viewerOf(ctx.principal)));
}

export async function subscribeProgress(ctx: GraphQLContext, id: string) {
  await ensureJob(ctx, id);
  const { bus, store, prefix, heartbeatMs, refresh, closing } = ctx.services.progress;
  return watchJobProgress(bus, store, prefix, id, { heartbeatMs, refresh, signal: ctx.signal, closing });
}

export async function subscribeResults(ctx: GraphQLContext, id: string) {
  await ensureJob(ctx, id);
  const { bus, store, prefix, heartbeatMs, refresh, closing } = ctx.services.progress;
  return watchJobResults(bus, store, prefix, id, { heartbeatMs, refresh, signal: ctx.signal, closing });
}
