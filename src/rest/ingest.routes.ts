/**
 * `POST /ingest/domain` (record a company) and `POST /ingest/csv` (a multipart upload, parsed as
 * it streams in; with auto_scan its domains become one bulk job). Ingesting gates nothing.
 */
import { Readable } from 'node:stream';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import busboy from 'busboy';
import type { Context } from 'hono';
import { ownerOf, quotaSubject } from '../auth/principal.js';
import type { AppEnv } from '../http/app-env.js';
import { InputError, StateError } from '../services/input.errors.js';
import type { CsvIngestResult } from '../services/csv-ingest.service.js';
import type { Services } from '../services/services.js';
import { IngestCsvFormSchema, IngestCsvQuerySchema, IngestCsvResultSchema, IngestDomainRequestSchema, IngestDomainResultSchema, parseBool } from './ingest.schemas.js';
import { commonResponses, DetailSchema, jsonContent } from './rest.schemas.js';

const ingestDomainRoute = createRoute({
  method: 'post',
  path: '/ingest/domain',
  tags: ['ingest'],
  summary: 'Record a company (stable integer id per domain)',
  description: 'Scans never require it. A domain from `website`, else from `email`, replaces `domain` when valid.',
  request: { body: { required: true, content: { 'application/json': { schema: IngestDomainRequestSchema } } } },
  responses: { 201: jsonContent(IngestDomainResultSchema, 'Recorded (the same id on every repeat)'), ...commonResponses },
});

/** Documented only: the handler reads the multipart body itself, as a stream. */
const ingestCsvDoc = {
  method: 'post' as const,
  path: '/ingest/csv',
  tags: ['ingest'],
  summary: 'Upload a CSV of companies (multipart field `file`)',
  description: 'Header names lowercased and trimmed: `domain` (required unless detected), `company_name`, `email`, `website`. Answers as soon as the file is read.',
  request: { query: IngestCsvQuerySchema, body: { required: true, content: { 'multipart/form-data': { schema: IngestCsvFormSchema } } } },
  responses: {
    202: jsonContent(IngestCsvResultSchema, 'Ingested; scanning (if any) runs on'),
    400: jsonContent(DetailSchema, 'Wrong extension, empty file, unparseable CSV or no domain column'),
    ...commonResponses,
  },
};

const noDatabase = (c: Context) => c.json({ detail: 'Ingest needs the database (DATABASE_URL or the embedded one)' }, 503);

/**
 * The chunks of a web stream through its reader: the server adapter's request bodies are not
 * always the runtime's own ReadableStream class, which `Readable.fromWeb` insists on.
 */
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

/** Read the multipart body; the `file` part goes to `ingest` as it streams. */
function readUpload(c: Context<AppEnv>, ingest: (file: Readable) => Promise<CsvIngestResult>): Promise<CsvIngestResult> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType) || !c.req.raw.body) {
    return Promise.reject(new InputError('field required: file', [{ loc: ['body', 'file'], msg: 'field required (multipart/form-data)', type: 'value_error.missing' }]));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1 } });
    } catch (error) {
      reject(new StateError(`Could not read the multipart body: ${(error as Error).message}`));
      return;
    }
    let work: Promise<CsvIngestResult> | null = null;
    parser.on('file', (field, file, info) => {
      // a truncated form errors the file stream too; the parser's own 'error' answers it, and an
      // unheard stream error would end the process
      file.on('error', () => {});
      if (field !== 'file' || work) {
        file.resume();
        return;
      }
      const name = info.filename ?? '';
      if (!/\.csv$/i.test(name)) {
        file.resume();
        work = Promise.reject(new StateError(`Unsupported file type "${name}": upload a .csv file (.xlsx/.xls are not read; save the sheet as CSV)`));
        work.catch(() => {});
        return;
      }
      work = ingest(file);
      // a rejected ingest stops reading; the rest of the body is drained by busboy
      work.catch(() => file.resume());
    });
    parser.on('error', (error: Error) => reject(new StateError(`Could not read the multipart body: ${error.message}`)));
    parser.on('close', () => {
      if (!work) reject(new InputError('field required: file', [{ loc: ['body', 'file'], msg: 'field required', type: 'value_error.missing' }]));
      else work.then(resolve, reject);
    });
    Readable.from(chunksOf(c.req.raw.body!)).on('error', (error) => parser.destroy(error)).pipe(parser);
  });
}

export function registerIngestRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(ingestDomainRoute, async (c) => {
    const companies = services.oldClients.companies;
    if (!companies) return noDatabase(c) as never;
    const body = c.req.valid('json');
    const { domain, companyId } = await companies.ingestDomain(body);
    return c.json({ domain, company_id: companyId, message: `Domain ${domain} ingested successfully` }, 201);
  });

  app.openAPIRegistry.registerPath(ingestCsvDoc);
  app.post('/ingest/csv', async (c) => {
    const csvIngest = services.oldClients.csvIngest;
    if (!csvIngest) return noDatabase(c);
    const query = IngestCsvQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      throw new InputError('invalid query', query.error.issues.map((i) => ({ loc: ['query', ...i.path.map(String)], msg: i.message, type: `value_error.${i.code}` })));
    }
    // the old service scanned uploads by default on its unversioned path only
    const versioned = c.req.path.startsWith('/api/v1/');
    const options = {
      autoScan: parseBool(query.data.auto_scan, !versioned),
      autoDetectColumns: parseBool(query.data.auto_detect_columns, false),
      submittedBy: ownerOf(c.get('principal')),
      // an auto_scan job is a bulk job like any other: the caller's quotas apply
      quotaSubject: quotaSubject(c.get('principal')),
    };
    const result = await readUpload(c, (file) => csvIngest.ingest(file, options));
    return c.json(
      { job_id: result.jobId, message: result.message, ingested: result.ingested, scanned: result.scanned, total_rows: result.totalRows, errors: result.errors },
      202,
    );
  });
}
