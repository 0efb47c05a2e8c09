/**
 * Translate service errors into GraphQL errors with a stable `extensions.code`.
 * Built with yoga's `createGraphQLError` so they are instances of the `GraphQLError` class yoga
 * itself loaded (graphql ships CJS and ESM builds; a GraphQLError of the other build would be
 * masked as "Unexpected error.").
 */
import { createGraphQLError } from 'graphql-yoga';
import { ScanError } from '../scan/scan.errors.js';
import { InputError, NotFoundError, StateError } from '../services/input.errors.js';
import { QuotaError } from '../services/quota.service.js';

export function toGraphQLError(error: unknown): unknown {
  if (error instanceof InputError) {
    return createGraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', issues: error.issues } });
  }
  if (error instanceof NotFoundError) return createGraphQLError(error.message, { extensions: { code: 'NOT_FOUND' } });
  if (error instanceof StateError) return createGraphQLError(error.message, { extensions: { code: 'BAD_REQUEST' } });
  if (error instanceof QuotaError) {
    // yoga answers 429 with Retry-After when this is the response's only error, and drops `http`
    const retryAfter = error.retryAfterSeconds;
    return createGraphQLError(error.message, {
      extensions: { code: 'RATE_LIMITED', quota: error.quota, limit: error.limit, retryAfter, http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
    });
  }
  if (error instanceof ScanError) {
    return createGraphQLError(error.message, {
      extensions: { code: error.code, category: error.category, attempts: error.attempts },
    });
  }
  return error;
}

/** Run a resolver body, translating known errors. */
export async function translateErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGraphQLError(error);
  }
}
