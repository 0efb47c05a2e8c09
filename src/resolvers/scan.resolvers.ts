/** Thin resolvers of single scans. */
import { quotaSubject } from '../auth/principal.js';
import type { GraphQLContext } from '../schema/builder.js';
import { translateErrors } from './errors.js';

export const scanDomainResolver = (ctx: GraphQLContext, domain: string) =>
  translateErrors(() => ctx.services.singleScan.scan(domain, ctx.signal, quotaSubject(ctx.principal)));
