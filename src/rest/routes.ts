/**
 * REST-compat routes of the earlier Python service (spec/api.md), served at their paths and
 * under /api/v1. Thin: parse, call a service, serialise.
 */
import type { Services } from '../services/services.js';
import { InputError } from '../services/input.errors.js';
import { serializeJobStatus } from './bulk.serializers.js';
import { CSV_HEADER, leadsToCsvRows } from './csv.js';
import type { Lead } from '../scan/scan.types.js';
import { errorResponse, json, readJsonObject } from './rest.errors.js';

export interface RestOptions {
  services: Services;
  log?: (error: unknown) => void;
}

/** A body written page by page: `head`, each page through `render`, then `tail`. */
function streamResponse(head: string, pages: AsyncIterable<Lead[]>, render: (leads: Lead[]) => string, tail: string, headers: Record<string, string>): Response {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(head));
        return;
      }
      const next = await iterator.next();
      if (next.done) {
        controller.enqueue(encoder.encode(tail));
        controller.close();
      } else {
        controller.enqueue(encoder.encode(render(next.value)));
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers });
}

type Handler = (request: Request, params: Record<string, string>) => Promise<Response>;
interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^(?:/api/v1)?${path.replace(/\{(\w+)\}/g, (_m, key: string) => (keys.push(key), '([^/]+)'))}/?$`,
  );
  return { method, pattern, keys, handler };
}

export function createRestHandler({ services, log }: RestOptions) {
  const routes: Route[] = [
    route('POST', '/scan/domain', async (request) => {
      const body = await readJsonObject(request);
      if (!('domain' in body)) {
        throw new InputError('field required: domain', [{ loc: ['body', 'domain'], msg: 'field required', type: 'value_error.missing' }]);
      }
      const lead = await services.singleScan.scan(body.domain, request.signal);
      return json(lead);
    }),
    route('POST', '/scan/bulk', async (request) => {
      const body = await readJsonObject(request);
      // `domains` is an alias: the old service's own docs used it
      const list = body.domain_list ?? body.domains;
      const started = await services.bulk.start(list, request.headers.get('x-api-key') ? 'api-key' : null);
      return json({ job_id: started.job.id, message: 'Bulk scan job created successfully', total: started.total, rejected: started.rejected });
    }),
    route('GET', '/scan/bulk/{job_id}', async (_request, { job_id }) => {
      const job = await services.bulk.get(job_id);
      return json(serializeJobStatus(job, await services.bulk.errors(job_id)));
    }),
    route('GET', '/scan/bulk/{job_id}/results', async (request, { job_id }) => {
      const { job, pages } = await services.bulk.finishedResults(job_id);
      if (new URL(request.url).searchParams.get('format') === 'csv') {
        return streamResponse(CSV_HEADER, pages, leadsToCsvRows, '', {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="scan-${job_id}.csv"`,
        });
      }
      const head = JSON.stringify({ job_id: job.id, total: job.total, succeeded: job.succeeded, failed: job.failed, results: [] }).slice(0, -2);
      let first = true;
      const jsonRows = (leads: Lead[]) => {
        const rows = leads.map((lead) => JSON.stringify(lead)).join(',');
        const out = first || rows === '' ? rows : `,${rows}`;
        if (rows !== '') first = false;
        return out;
      };
      return streamResponse(head, pages, jsonRows, ']}', { 'content-type': 'application/json' });
    }),
  ];

  /** Returns a response for REST paths, or undefined for anything else. */
  return async function handleRest(request: Request): Promise<Response | undefined> {
    const { pathname } = new URL(request.url);
    const matching = routes.filter((r) => r.pattern.test(pathname));
    if (matching.length === 0) return undefined;
    const hit = matching.find((r) => r.method === request.method);
    if (!hit) return json({ detail: 'Method Not Allowed' }, 405, { allow: matching.map((r) => r.method).join(', ') });
    const values = hit.pattern.exec(pathname)!.slice(1);
    const params = Object.fromEntries(hit.keys.map((k, i) => [k, decodeURIComponent(values[i])]));
    try {
      return await hit.handler(request, params);
    } catch (error) {
      return errorResponse(error, log);
    }
  };
}
