/**
 * GraphQL multipart requests (the GraphQL multipart request spec: `operations`, `map`, then the
 * files), read as a stream: the operation runs as soon as its file part begins, and the file
 * reaches the resolver as a stream of the request body itself. Yoga's own parser holds every
 * file whole in memory (a million-domain list is tens of MB in the API); this one holds one
 * body chunk at a time, so `startBulkScanUpload` costs what `POST /scan/bulk` costs.
 * One file per request (the schema's only upload takes one); `operations` and `map` <= 1 MiB.
 */
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

const FIELD_LIMIT_BYTES = 1024 * 1024;

/** The file a resolver gets: its name, type and the request body's bytes from here on. */
export interface StreamedFile {
  readonly name: string;
  readonly type: string;
  stream(): AsyncIterable<Uint8Array>;
}

// file streams of requests whose operation may answer without reading them (a refused key,
// cost or quota): drained when the response goes, so the connection is not left mid-body
const unread = new WeakMap<Request, Readable>();

const badRequest = (message: string) => createGraphQLError(`multipart request: ${message}`, { extensions: { http: { status: 400 }, code: 'BAD_USER_INPUT' } });

/** Put `value` at a dotted path (`variables.file`, `0.variables.files.1`) of the operations object. */
function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = at?.[key];
    if (typeof next !== 'object' || next === null) throw badRequest(`map path "${path}" is not in operations`);
    at = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!(last in at) || at[last] !== null) throw badRequest(`map path "${path}" must name a null variable in operations`);
  at[last] = value;
}

function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`the "${name}" field is not JSON`);
  }
}

async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Read a multipart request up to its file part; resolve with the operation, whose file variable
 * is the streamed file. The file stream errors if the body breaks off.
 */
export function parseStreamingMultipart(request: Request): Promise<GraphQLParams> {
  return new Promise<GraphQLParams>((resolve, reject) => {
    if (!request.body) return reject(badRequest('no body'));
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { 'content-type': request.headers.get('content-type') ?? '' }, limits: { fieldSize: FIELD_LIMIT_BYTES, fields: 2, files: 1 } });
    } catch (error) {
      return reject(badRequest((error as Error).message));
    }
    // the server adapter's ReadableStream need not be Node's own (Readable.fromWeb refuses those)
    const body = Readable.from(chunksOf(request.body), { objectMode: false });
    let operations: unknown;
    let map: Record<string, unknown> | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      body.unpipe(bb);
      body.destroy();
      reject(error);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(badRequest(`the "${name}" field is over ${FIELD_LIMIT_BYTES} bytes`));
      try {
        if (name === 'operations') operations = parseJsonField(name, value);
        else if (name === 'map') {
          const parsed = parseJsonField(name, value);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('"map" must be an object');
          map = parsed as Record<string, unknown>;
        } else throw badRequest(`unexpected field "${name}" (expected operations, map, then one file)`);
      } catch (error) {
        fail(error);
      }
    });
    bb.on('file', (name, stream, info) => {
      try {
        if (operations === undefined || !map) throw badRequest('"operations" and "map" must come before the file');
        const entries = Object.entries(map);
        if (entries.length !== 1) throw badRequest(`one file per request (map names ${entries.length})`);
        const [key, paths] = entries[0];
        if (key !== name) throw badRequest(`the file part "${name}" is not in map`);
        if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) throw badRequest('map values are lists of paths');
        const file: StreamedFile = { name: info.filename ?? '', type: info.mimeType ?? '', stream: () => stream };
        unread.set(request, stream);
        stream.once('end', () => unread.delete(request));
        for (const path of paths as string[]) setPath(operations, path, file);
        if (Array.isArray(operations)) throw badRequest('batched operations cannot carry a streamed file');
        settled = true;
        resolve(operations as GraphQLParams);
      } catch (error) {
        stream.resume();
        fail(error);
      }
    });
    bb.on('filesLimit', () => fail(badRequest('one file per request')));
    bb.on('fieldsLimit', () => fail(badRequest('only the operations and map fields')));
    bb.on('error', (error) => fail(badRequest((error as Error).message)));
    bb.on('close', () => fail(badRequest(operations === undefined ? 'no "operations" field' : 'no file part')));
    body.on('error', (error) => {
      // after the operation started, the file stream carries the error to its reader
      if (settled) bb.destroy(error);
      else fail(badRequest(`the body broke off: ${error.message}`));
    });
    body.pipe(bb);
  });
}

/** Yoga plugin: multipart requests go through {@link parseStreamingMultipart}. */
export function useStreamingMultipart(): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'POST' && /^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '')) setRequestParser(parseStreamingMultipart);
    },
    onResponse({ request }) {
      const stream = unread.get(request);
      if (!stream) return;
      unread.delete(request);
      // the rest of the file is read and dropped (bounded by the server's request timeout)
      if (!stream.destroyed && !stream.readableEnded) stream.resume();
    },
  };
}
