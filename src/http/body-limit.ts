/**
 * The body cap (`SCOUT_MAX_BODY_BYTES`), enforced while the body streams in: a declared length
 * over the cap is refused before a byte is read; otherwise the body is passed on through a
 * counter, and once it passes the cap the reader gets an error and the answer becomes 413,
 * whatever the route made of the broken body. Nothing is buffered here.
 * Streaming uploads (bulk lists as CSV, text, NDJSON or a multipart file) are exempt: their
 * doors bound them by entries instead (SCOUT_MAX_BULK_STREAM distinct domains, 4x that in entries
 * of any kind, src/services/bulk-stream.ts), and so is a multipart request to
 * /graphql (a file for startBulkScanUpload, read as a stream by src/upload/graphql-multipart.ts,
 * its operations and map fields capped at 1 MiB there).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { streamFormatOf } from '../upload/entries.js';

const STREAMING_PATHS = /^(\/api\/v1)?\/(scan\/bulk|ingest\/csv)\/?$/;

/** Whether a request is a streaming upload, bounded by its door rather than by bytes. */
export function isStreamingUpload(c: Context): boolean {
  // the very types the streaming doors read (one list: an NDJSON alias the door takes must not hit the byte cap)
  if (isGraphqlUpload(c)) return true;
  return c.req.method === 'POST' && STREAMING_PATHS.test(c.req.path) && streamFormatOf(c.req.header('content-type')) !== null;
}

/** A GraphQL multipart request (a file upload, streamed like the REST doors' uploads). */
export function isGraphqlUpload(c: Context): boolean {
  return c.req.method === 'POST' && /^\/graphql\/?$/.test(c.req.path) && /^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '');
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body too large: the limit is ${limit} bytes (SCOUT_MAX_BODY_BYTES)`);
    this.name = 'BodyTooLargeError';
  }
}

/** `body` as a stream that errors with BodyTooLargeError once more than `limit` bytes passed. */
function capped(body: ReadableStream<Uint8Array>, limit: number, onExceeded: () => void): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          onExceeded();
          controller.error(new BodyTooLargeError(limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

export function bodyCap(maxBytes: number, exempt: (c: Context) => boolean = isStreamingUpload): MiddlewareHandler {
  // the rest of the body is not read: the connection closes after the answer, so a client
  // does not send its next request on a socket still full of this one
  const tooLarge = (c: Context, limit = maxBytes) => c.json({ detail: new BodyTooLargeError(limit).message }, 413, { connection: 'close' });
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body || exempt(c)) return next();
    const limit = maxBytes;
    const declared = Number(raw.headers.get('content-length') ?? NaN);
    if (declared > limit) return tooLarge(c, limit);
    let exceeded = false;
    // the same Request class the server adapter made, so every consumer reads it as before
    const RequestClass = raw.constructor as typeof Request;
    c.req.raw = new RequestClass(raw.url, {
      method: raw.method,
      headers: raw.headers,
      body: capped(raw.body, limit, () => (exceeded = true)),
      signal: raw.signal,
      duplex: 'half',
    } as RequestInit);
    await next();
    if (exceeded) c.res = tooLarge(c, limit);
  };
}
