/**
 * The bench talks to the service only through its public API: REST-compat routes, GraphQL over
 * HTTP, GraphQL subscriptions over SSE and over WebSocket (graphql-ws).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sseNextPayloads } from '../test/helpers/sse.js';

export interface JobStatusRest {
  job_id: string;
  status: string;
  progress: number;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  errors: { domain: string; code: string; category: string }[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const FINISHED = new Set(['completed', 'failed', 'cancelled']);

async function readJson<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export async function restSubmit(baseUrl: string, domains: string[]): Promise<{ job_id: string; total: number }> {
  const r = await fetch(`${baseUrl}/scan/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain_list: domains }) });
  return readJson(r, 'POST /scan/bulk');
}

export async function restStatus(baseUrl: string, id: string): Promise<JobStatusRest> {
  return readJson(await fetch(`${baseUrl}/scan/bulk/${id}`), `GET /scan/bulk/${id}`);
}

export async function restResults(baseUrl: string, id: string): Promise<{ total: number; succeeded: number; failed: number; results: unknown[] }> {
  return readJson(await fetch(`${baseUrl}/scan/bulk/${id}/results`), `GET /scan/bulk/${id}/results`);
}

export async function gql<T = any>(baseUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await readJson<{ data?: T; errors?: { message: string }[] }>(r, 'POST /graphql');
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

export async function gqlStart(baseUrl: string, domains: string[]): Promise<{ id: string; total: number }> {
  const data = await gql<{ startBulkScan: { total: number; job: { id: string } } }>(
    baseUrl,
    `mutation($d: [String!]!) { startBulkScan(domains: $d) { total job { id } } }`,
    { d: domains },
  );
  return { id: data.startBulkScan.job.id, total: data.startBulkScan.total };
}

export async function gqlCancel(baseUrl: string, id: string): Promise<void> {
  await gql(baseUrl, `mutation($id: ID!) { cancelBulkScan(id: $id) { status } }`, { id });
}

export const PROGRESS_SUBSCRIPTION = `subscription($id: ID!) { bulkScanProgress(id: $id) { status progress processed total succeeded failed } }`;

export interface ProgressEvent {
  status: string;
  progress: number;
  processed: number;
  total: number;
  succeeded: number;
  failed: number;
}

/**
 * Follow `bulkScanProgress` over SSE until the stream completes; resolves with the last event
 * (the final one) and the time it arrived.
 */
export async function sseProgress(baseUrl: string, id: string, timeoutMs: number, onEvent?: (e: ProgressEvent) => void): Promise<{ last: ProgressEvent | undefined; at: number; events: number }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: PROGRESS_SUBSCRIPTION, variables: { id } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok || !response.body) throw new Error(`SSE subscription failed: HTTP ${response.status}`);
  let last: ProgressEvent | undefined;
  let at = performance.now();
  let events = 0;
  for await (const payload of sseNextPayloads(response.body)) {
    const parsed = payload as { data?: { bulkScanProgress?: ProgressEvent }; errors?: { message: string }[] };
    if (parsed.errors?.length) throw new Error(`subscription error: ${parsed.errors[0].message}`);
    const e = parsed.data?.bulkScanProgress;
    if (e) {
      last = e;
      at = performance.now();
      events++;
      onEvent?.(e);
    }
  }
  return { last, at, events };
}

/** One graphql-ws connection (one WebSocket). */
export function wsClient(baseUrl: string): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
  });
}

/** Subscribe to a job's progress over graphql-ws; resolves at completion with the last event. */
export function wsProgress(client: Client, id: string, onFirst?: (first: ProgressEvent) => void): Promise<{ last: ProgressEvent | undefined; events: number }> {
  return new Promise((resolve, reject) => {
    let last: ProgressEvent | undefined;
    let events = 0;
    client.subscribe<{ bulkScanProgress: ProgressEvent }>(
      { query: PROGRESS_SUBSCRIPTION, variables: { id } },
      {
        next: (value) => {
          if (value.errors?.length) return reject(new Error(value.errors[0].message));
          const e = value.data?.bulkScanProgress;
          if (!e) return;
          if (events === 0) onFirst?.(e);
          events++;
          last = e;
        },
        error: (error) => reject(error instanceof Error ? error : new Error(String((error as { reason?: string })?.reason ?? error))),
        complete: () => resolve({ last, events }),
      },
    );
  });
}

/** Poll REST status until the job is finished. */
export async function pollUntilFinished(baseUrl: string, id: string, timeoutMs: number, intervalMs = 250): Promise<{ status: JobStatusRest; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await restStatus(baseUrl, id);
    if (FINISHED.has(status.status)) return { status, at: performance.now() };
    if (Date.now() > deadline) throw new Error(`job ${id} not finished within ${timeoutMs} ms (status ${status.status}, ${status.processed}/${status.total})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
