/**
 * The body cap (`SCOUT_MAX_BODY_BYTES`), enforced while the body streams in: a declared length
 * over the cap is refused before a byte is read, an undeclared one as soon as it passes the cap.
 * Streaming uploads (bulk lists as CSV, text, NDJSON or a multipart file) are exempt: their
 * doors count entries instead (SCOUT_MAX_BULK_STREAM).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

const STREAMING_TYPES = /^(text\/csv|text\/plain|application\/x-ndjson|multipart\/form-data)\b/i;
const STREAMING_PATHS = /^(\/api\/v1)?\/(scan\/bulk|ingest\/csv)\/?$/;

/** Whether a request is a streaming upload, bounded by its door rather than by bytes. */
export function isStreamingUpload(c: Context): boolean {
  return c.req.method === 'POST' && STREAMING_PATHS.test(c.req.path) && STREAMING_TYPES.test(c.req.header('content-type') ?? '');
}

export function bodyCap(maxBytes: number, exempt: (c: Context) => boolean = isStreamingUpload): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ detail: `Request body too large: the limit is ${maxBytes} bytes (SCOUT_MAX_BODY_BYTES)` }, 413),
  });
  return (c, next) => (exempt(c) ? next() : limit(c, next));
}
