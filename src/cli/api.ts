/**
 * The CLI's door to a domain-scout server: GraphQL through graphql-request for queries and
 * mutations, graphql-sse for the progress subscription. Errors become CliError with a message
 * a person can act on (server unreachable, 401, GraphQL errors).
 */
import { createClient as createSseClient } from 'graphql-sse';
import { ClientError, GraphQLClient } from 'graphql-request';
import { LEAD_SELECTION } from './output.js';

/** Exit codes (documented in the README). */
export const EXIT = { ok: 0, domainsFailed: 1, usage: 2, server: 3, jobEnded: 4, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.server,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ServerOptions {
  url: string;
  apiKey?: string;
}

export interface JobState {
  id: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  etaSeconds: number | null;
  createdAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
}

export interface ScanFailure {
  domain: string;
  code: string;
  category: string;
  message: string;
  attempts: number;
}

const JOB_FIELDS = 'id status progress total processed succeeded failed etaSeconds createdAt finishedAt error { code message }';

export const isFinished = (status: JobState['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';

/** `http://host:8080` or `http://host:8080/graphql` -> the GraphQL endpoint. */
export function graphqlEndpoint(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`--url ${JSON.stringify(url)} is not a URL (e.g. http://localhost:8080)`, EXIT.usage);
  }
  if (!/^https?:$/.test(u.protocol)) throw new CliError(`--url must be http(s), got ${u.protocol}`, EXIT.usage);
  if (!u.pathname.replace(/\/+$/, '').endsWith('/graphql')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/graphql`;
  return u.toString();
}

/** Turn a transport or GraphQL failure into a CliError that says what to do. */
export function explain(error: unknown, endpoint: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ClientError) {
    const status = error.response.status;
    const first = error.response.errors?.[0];
    const detail = first?.message ?? (error.response as { detail?: string }).detail ?? `HTTP ${status}`;
    if (status === 401) return new CliError(`the server refused the request (401): ${detail}. Pass --api-key or set SCOUT_API_KEY.`);
    if (status === 429) return new CliError(`the server is rate limiting this client (429): ${detail}`);
    if (first) {
      const code = (first.extensions as { code?: string } | undefined)?.code;
      return new CliError(`${detail}${code ? ` (${code})` : ''}`, code === 'BAD_USER_INPUT' ? EXIT.usage : EXIT.server);
    }
    return new CliError(`the server answered HTTP ${status} at ${endpoint}: ${String(error.response.body ?? '').slice(0, 200)}`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new CliError(`cannot reach the server at ${endpoint} (${code}). Is it running? Point --url or SCOUT_URL at it.`);
  }
  return new CliError(`request to ${endpoint} failed: ${(error as Error)?.message ?? String(error)}${cause?.message ? ` (${cause.message})` : ''}`);
}

export function createApi({ url, apiKey }: ServerOptions) {
  const endpoint = graphqlEndpoint(url);
  const headers: Record<string, string> = apiKey ? { 'x-api-key': apiKey } : {};
  const client = new GraphQLClient(endpoint, { headers });

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return await client.request<T>(query, variables);
    } catch (error) {
      throw explain(error, endpoint);
    }
  }

  async function job(id: string): Promise<JobState> {
    const data = await request<{ bulkScan: JobState | null }>(`query($id: ID!) { bulkScan(id: $id) { ${JOB_FIELDS} } }`, { id });
    if (!data.bulkScan) throw new CliError(`job ${id} not found`, EXIT.usage);
    return data.bulkScan;
  }

  return {
    endpoint,
    async start(domains: string[]) {
      const data = await request<{ startBulkScan: { total: number; duplicates: number; rejected: { input: string; error: string }[]; job: JobState } }>(
        `mutation($d: [String!]!) { startBulkScan(domains: $d) { total duplicates rejected { input error } job { ${JOB_FIELDS} } } }`,
        { d: domains },
      );
      return data.startBulkScan;
    },
    job,
    async cancel(id: string): Promise<JobState> {
      const data = await request<{ cancelBulkScan: JobState }>(`mutation($id: ID!) { cancelBulkScan(id: $id) { ${JOB_FIELDS} } }`, { id });
      return data.cancelBulkScan;
    },
    async errors(id: string): Promise<ScanFailure[]> {
      const data = await request<{ bulkScan: { errors: ScanFailure[] } | null }>(`query($id: ID!) { bulkScan(id: $id) { errors { domain code category message attempts } } }`, { id });
      return data.bulkScan?.errors ?? [];
    },
    /** Every finished lead, page by page (1000 a page), in submission order. */
    async *results(id: string): AsyncGenerator<Record<string, unknown>[]> {
      let after: string | null = null;
      for (;;) {
        const data: { bulkScan: { results: { items: Record<string, unknown>[]; endCursor: string | null; hasNextPage: boolean } } | null } = await request(
          `query($id: ID!, $after: String) { bulkScan(id: $id) { results(first: 1000, after: $after) { items { ${LEAD_SELECTION} } endCursor hasNextPage } } }`,
          { id, after },
        );
        if (!data.bulkScan) throw new CliError(`job ${id} not found`, EXIT.usage);
        const page = data.bulkScan.results;
        if (page.items.length) yield page.items;
        if (!page.hasNextPage || !page.endCursor) return;
        after = page.endCursor;
      }
    },
    /**
     * The job's progress over SSE (graphql-sse): the current snapshot first, then every change,
     * until it ends. A dropped stream (API restart) is resumed from the fresh snapshot.
     */
    async *progress(id: string, signal: AbortSignal): AsyncGenerator<JobState> {
      const sse = createSseClient({ url: endpoint, headers, retryAttempts: 0 });
      try {
        for (let failures = 0; !signal.aborted; ) {
          try {
            const events = sse.iterate<{ bulkScanProgress: JobState }>({ query: `subscription($id: ID!) { bulkScanProgress(id: $id) { ${JOB_FIELDS} } }`, variables: { id } });
            const onAbort = () => void events.return?.(undefined);
            signal.addEventListener('abort', onAbort, { once: true });
            try {
              for await (const event of events) {
                failures = 0;
                if (event.errors?.length) throw new CliError(event.errors.map((e) => e.message).join('; '));
                if (event.data) {
                  yield event.data.bulkScanProgress;
                  if (isFinished(event.data.bulkScanProgress.status)) return;
                }
              }
            } finally {
              signal.removeEventListener('abort', onAbort);
            }
          } catch (error) {
            if (signal.aborted) return;
            if (error instanceof CliError) throw error;
            const explained = explain(error, endpoint);
            if (/\(401\)/.test(explained.message) || ++failures > 30) throw explained;
          }
          if (signal.aborted) return;
          // the stream ended without the end (server restarting): ask again after a pause
          await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** Math.min(failures, 3), 5000)));
          const fresh = await job(id).catch(() => null);
          if (fresh) {
            yield fresh;
            if (isFinished(fresh.status)) return;
          }
        }
      } finally {
        sse.dispose();
      }
    },
  };
}

export type Api = ReturnType<typeof createApi>;
