/** Translate service errors into GraphQL errors with a stable `extensions.code`. */
import { GraphQLError } from 'graphql';
import { ScanError } from '../scan/scan.errors.js';
import { InputError, NotFoundError, StateError } from '../services/input.errors.js';

export function toGraphQLError(error: unknown): unknown {
  if (error instanceof InputError) {
    return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', issues: error.issues } });
  }
  if (error instanceof NotFoundError) return new GraphQLError(error.message, { extensions: { code: 'NOT_FOUND' } });
  if (error instanceof StateError) return new GraphQLError(error.message, { extensions: { code: 'BAD_REQUEST' } });
  if (error instanceof ScanError) {
    return new GraphQLError(error.message, {
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
