/** The one place REST-compat errors become HTTP responses (spec/api.md shapes). */
import { ScanError } from '../scan/scan.errors.js';
import { InputError, NotFoundError, StateError } from '../services/input.errors.js';

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function errorResponse(error: unknown, log?: (error: unknown) => void): Response {
  if (error instanceof InputError) return json({ detail: error.issues }, 422);
  if (error instanceof NotFoundError) return json({ detail: error.message }, 404);
  if (error instanceof StateError) return json({ detail: error.message }, 400);
  if (error instanceof ScanError) {
    return json(
      { detail: error.message, category: error.category, code: error.code, attempts: error.attempts },
      error.category === 'permanent' ? 422 : 503,
    );
  }
  log?.(error);
  return json({ detail: 'Internal server error' }, 500);
}

/** Read a JSON object body or throw a 422-style InputError. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new InputError('request body must be JSON', [{ loc: ['body'], msg: 'request body must be valid JSON', type: 'value_error.jsondecode' }]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('request body must be a JSON object', [{ loc: ['body'], msg: 'request body must be a JSON object', type: 'type_error.dict' }]);
  }
  return body as Record<string, unknown>;
}
