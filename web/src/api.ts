/**
 * The dashboard's way to the API: graphql-request for queries and mutations, graphql-sse for the
 * two subscriptions, both sending the stored API key as `X-API-Key`.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, NetworkError } from 'graphql-sse';

const KEY_STORAGE = 'domain-scout.apiKey';

export function storedKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function storeKey(key: string): void {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // private mode: the key lasts for this page only
  }
  currentKey = key;
}

let currentKey = storedKey();
const keyHeaders = (): Record<string, string> => (currentKey ? { 'x-api-key': currentKey } : {});

const endpoint = new URL('/graphql', location.href).href;
const client = new GraphQLClient(endpoint, { headers: keyHeaders });

/** A failure the page can show: `unauthorized` asks for a key, `network` means the API is away. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: 'unauthorized' | 'network' | 'graphql',
  ) {
    super(message);
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientError) {
    if (error.response.status === 401) return new ApiError('This server needs an API key (X-API-Key).', 'unauthorized');
    const messages = error.response.errors?.map((e) => e.message).filter(Boolean);
    if (messages?.length) return new ApiError(messages.join('; '), 'graphql');
    return new ApiError(`The API answered ${error.response.status}.`, 'network');
  }
  if (error instanceof NetworkError) {
    if (error.response?.status === 401) return new ApiError('This server needs an API key (X-API-Key).', 'unauthorized');
    return new ApiError(`The API answered ${error.response?.status ?? 'nothing'}.`, 'network');
  }
  if (Array.isArray(error)) return new ApiError(error.map((e: { message?: string }) => e.message ?? String(e)).join('; '), 'graphql');
  return new ApiError(`Cannot reach the API (${(error as Error)?.message ?? String(error)}).`, 'network');
}

export async function request<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
  try {
    return await client.request<T>(document, variables);
  } catch (error) {
    throw toApiError(error);
  }
}

const sse = createClient({
  url: endpoint,
  headers: keyHeaders,
  // reconnecting is ours (see `subscribe`): it also covers a stream that ends without `complete`
  retryAttempts: 0,
});

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  /** The stream is gone (API restarted, network); the caller decides to resubscribe. */
  error(error: ApiError): void;
  complete(): void;
}

/** One GraphQL-over-SSE subscription; returns its stop function. */
export function subscribe<T>(document: string, variables: Record<string, unknown>, handlers: SubscriptionHandlers<T>): () => void {
  return sse.subscribe<T>(
    { query: document, variables },
    {
      next: (message) => {
        if (message.errors?.length) handlers.error(toApiError(message.errors));
        else if (message.data) handlers.next(message.data as T);
      },
      error: (error) => handlers.error(toApiError(error)),
      complete: () => handlers.complete(),
    },
  );
}

/** Download a finished job's results as CSV (the REST route), with the key, as a file. */
export async function downloadCsv(jobId: string): Promise<void> {
  const response = await fetch(`/scan/bulk/${encodeURIComponent(jobId)}/results?format=csv`, { headers: keyHeaders() }).catch((error: unknown) => {
    throw toApiError(error);
  });
  if (response.status === 401) throw new ApiError('This server needs an API key (X-API-Key).', 'unauthorized');
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { detail?: unknown };
    throw new ApiError(typeof body.detail === 'string' ? body.detail : `CSV download failed (${response.status}).`, 'graphql');
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `scan-${jobId}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
