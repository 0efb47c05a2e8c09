/** Shapes every REST route shares: the error bodies of spec/api.md. */
import { z } from '@hono/zod-openapi';

/** `{"detail": "<message>"}`: 400, 401, 404, 405, 413, 429. */
export const DetailSchema = z.object({ detail: z.string() }).openapi('Detail');

export const ValidationIssueSchema = z
  .object({
    loc: z.array(z.union([z.string(), z.number()])),
    msg: z.string(),
    type: z.string(),
  })
  .openapi('ValidationIssue');

/** 422: `{"detail": [{"loc", "msg", "type"}]}`. */
export const ValidationErrorSchema = z.object({ detail: z.array(ValidationIssueSchema) }).openapi('ValidationError');

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** Responses every route may give besides its own. */
export const commonResponses = {
  401: jsonContent(DetailSchema, 'API key missing or invalid (when keys are configured)'),
  413: jsonContent(DetailSchema, 'Request body over SCOUT_MAX_BODY_BYTES'),
  422: jsonContent(ValidationErrorSchema, 'Invalid request'),
  429: jsonContent(DetailSchema, 'Quota exceeded (see Retry-After)'),
} as const;
