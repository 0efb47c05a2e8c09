/**
 * Request validation errors in the old service's shape: 422
 * `{"detail": [{"loc": ["body", "domain"], "msg": "field required", "type": "value_error.missing"}]}`.
 * Used as the OpenAPI app's default hook, so every route's zod schema answers the same way.
 */
import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import type { ValidationIssue } from '../services/input.errors.js';
import { truncateForEcho } from '../services/input.errors.js';

const LOCATION: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path', header: 'header', cookie: 'cookie' };

export function issuesFromZod(error: z.ZodError, target: string): ValidationIssue[] {
  const where = LOCATION[target] ?? target;
  return error.issues.map((issue) => {
    const loc = [where, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    if (missing) return { loc, msg: 'field required', type: 'value_error.missing' };
    return { loc, msg: truncateForEcho(issue.message), type: `value_error.${issue.code}` };
  });
}

/** The default hook of the REST app: a failed validation becomes the 422 body. */
export function validationHook(result: { success: boolean; error?: z.ZodError; target: string }, c: Context) {
  if (!result.success && result.error) return c.json({ detail: issuesFromZod(result.error, result.target) }, 422);
  return undefined;
}
