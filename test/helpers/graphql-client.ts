/**
 * GraphQL over HTTP in the tests through graphql-request (the client the design names): to an
 * app in-process (`app.fetch`) or to a listening server. Returns `{ data, errors }` like the
 * wire does; GraphQL errors are returned, not thrown (errorPolicy `all`).
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import type { App } from '../../src/server.js';

export interface GraphQLResult<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  status: number;
}

/** A client for `url`, or for the app in-process when `app` is given. */
export function createTestClient(target: { app: App } | { url: string }, headers: Record<string, string> = {}): GraphQLClient {
  if ('url' in target) return new GraphQLClient(target.url, { headers, errorPolicy: 'all' });
  const { app } = target;
  return new GraphQLClient('http://test/graphql', {
    headers,
    errorPolicy: 'all',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch,
  });
}

export async function requestGraphQL<T = any>(client: GraphQLClient, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  try {
    const { data, errors, status } = await client.rawRequest<T>(query, variables);
    return { data: data ?? undefined, errors: errors as GraphQLResult<T>['errors'], status };
  } catch (error) {
    // a non-2xx answer (e.g. 400 for an invalid query) still carries the GraphQL errors
    if (error instanceof ClientError) return { data: (error.response.data as T) ?? undefined, errors: error.response.errors as GraphQLResult<T>['errors'], status: error.response.status };
    throw error;
  }
}
