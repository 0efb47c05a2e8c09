/**
 * REST-compat routes of the earlier Python service (spec/api.md), served at their paths and
 * under /api/v1. Thin: parse, call a service, serialise.
 */
import type { Services } from '../services/services.js';
import { InputError } from '../services/input.errors.js';
import { errorResponse, json, readJsonObject } from './rest.errors.js';

export interface RestOptions {
  services: Services;
  log?: (error: unknown) => void;
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
