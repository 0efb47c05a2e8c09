/** The one place REST-compat errors become HTTP responses (spec/api.md shapes). */
import { HTTPException } from 'hono/http-exception';
import { ScanError } from '../scan/scan.errors.js';
import { InputError, NotFoundError, StateError } from '../services/input.errors.js';
import { QuotaError } from '../services/quota.service.js';

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function errorResponse(error: unknown, log?: (error: unknown) => void): Response {
  if (error instanceof InputError) return json({ detail: error.issues }, 422);
  if (error instanceof NotFoundError) return json({ detail: error.message }, 404);
  if (error instanceof StateError) return json({ detail: error.message }, 400);
  if (error instanceof QuotaError) {
    return json({ detail: error.message, quota: error.quota, limit: error.limit, retry_after: error.retryAfterSeconds }, 429, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof ScanError) {
    return json(
      { detail: error.message, category: error.category, code: error.code, attempts: error.attempts },
      error.category === 'permanent' ? 422 : 503,
    );
  }
  if (error instanceof HTTPException) return httpExceptionResponse(error);
  log?.(error);
  return json({ detail: 'Internal server error' }, 500);
}

/**
 * Hono's own refusals in the old service's shapes: a body that is not JSON (malformed, or of
 * another content type) is a 422 as it was there; the rest keep their status with a `detail`.
 */
function httpExceptionResponse(error: HTTPException): Response {
  if (error.status === 415 || /^Malformed JSON/.test(error.message)) {
    return json({ detail: [{ loc: ['body'], msg: 'request body must be valid JSON sent as Content-Type: application/json', type: 'value_error.jsondecode' }] }, 422);
  }
  return json({ detail: error.message || 'Bad request' }, error.status);
}
