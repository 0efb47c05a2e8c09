/** Bulk scans on the REST wire (spec/api.md): start, status, results. */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { ownerOf, quotaSubject, viewerOf } from '../auth/principal.js';
import type { AppEnv } from '../http/app-env.js';
import type { Services } from '../services/services.js';
import {
  BulkScanRequestSchema,
  BulkScanStartedSchema,
  type BulkScanStarted,
  JobIdParamSchema,
  JobResultsSchema,
  JobStatusSchema,
  ResultsQuerySchema,
} from './bulk.schemas.js';
import { serializeJobStatus } from './bulk.serializers.js';
import { CSV_HEADER, leadsToCsvRows } from './csv.js';
import { commonResponses, DetailSchema, jsonContent } from './rest.schemas.js';
import { jsonArrayMembers, streamResponse } from './stream-response.js';
import { UploadIncompleteError } from '../services/bulk-stream.js';
import { InputError } from '../services/input.errors.js';
import { entriesOf, MissingFileError, streamFormatOf, type ByteSource } from '../upload/entries.js';

/** The streaming doors' bodies (src/upload/entries.ts reads them), for the OpenAPI document. */
const STREAM_UPLOAD_CONTENT = {
  'text/csv': { schema: { type: 'string', description: 'CSV: the domain, website, url or email column found by its header, else the first column' } },
  'text/plain': { schema: { type: 'string', description: 'One entry per line; blank lines skipped' } },
  'application/x-ndjson': { schema: { type: 'string', description: 'One JSON string (or object with a domain/website/url/email field) per line' } },
  'multipart/form-data': {
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: 'The list as CSV, plain text or NDJSON (by its type or name)' } }, required: ['file'] as string[] },
  },
} as const;

const startRoute = createRoute({
  method: 'post',
  path: '/scan/bulk',
  tags: ['bulk'],
  summary: 'Start a bulk scan',
  description:
    'Entries are normalised (URLs and e-mail addresses reduced to their domain) and deduplicated; invalid ones are listed in `rejected`. ' +
    'A JSON body takes up to SCOUT_MAX_BULK domains. A list as a file (CSV, plain text, NDJSON, or a multipart `file` field) is read as a stream, ' +
    'up to SCOUT_MAX_BULK_STREAM domains: the job is visible (pending, total growing) while it uploads, and an upload that breaks off ends it ' +
    'failed with `upload_incomplete` (400 with `code` and `job_id`).',
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: BulkScanRequestSchema },
        // read as streams before this route (registerBulkRoutes): documented here, not validated
        ...STREAM_UPLOAD_CONTENT,
      },
    },
  },
  responses: { 200: jsonContent(BulkScanStartedSchema, 'The job was created'), ...commonResponses },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/scan/bulk/{job_id}',
  tags: ['bulk'],
  summary: 'Status of a bulk job',
  request: { params: JobIdParamSchema },
  responses: {
    200: jsonContent(JobStatusSchema, 'Counters, errors and timestamps'),
    404: jsonContent(DetailSchema, 'Unknown job (or another key\'s)'),
    ...commonResponses,
  },
});

const resultsRoute = createRoute({
  method: 'get',
  path: '/scan/bulk/{job_id}/results',
  tags: ['bulk'],
  summary: 'Results of a finished bulk job',
  description: 'In submission order, read page by page (from Redis, or the database once a lead has moved there). `?format=csv` returns the same rows as CSV, `?format=ndjson` one JSON lead per line.',
  request: { params: JobIdParamSchema, query: ResultsQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: JobResultsSchema }, 'text/csv': { schema: { type: 'string' } } },
      description: 'The leads that finished',
    },
    400: jsonContent(DetailSchema, 'The job is still pending or running'),
    404: jsonContent(DetailSchema, 'Unknown job'),
    ...commonResponses,
  },
});

export function registerBulkRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  // Streaming doors: a text/csv, text/plain, application/x-ndjson or multipart (file field) body
  // is read as a stream, entry by entry, up to SCOUT_MAX_BULK_STREAM domains (exempt from the
  // byte cap); a JSON body goes on to the route below (SCOUT_MAX_BULK).
  app.post('/scan/bulk', async (c, next) => {
    const contentType = c.req.header('content-type') ?? '';
    const format = streamFormatOf(contentType);
    if (!format) {
      if (!contentType || /^application\/(.+\+)?json\b/i.test(contentType)) return next();
      const media = contentType.split(';', 1)[0].trim().slice(0, 100);
      throw new InputError(`request body: Content-Type ${media} is not read here`, [
        { loc: ['body'], msg: `Content-Type ${media} is not read here: send application/json ({"domain_list": [...]}) or the list as ${Object.keys(STREAM_UPLOAD_CONTENT).join(', ')}`, type: 'value_error.content_type' },
      ]);
    }
    const body = c.req.raw.body;
    if (!body) throw new InputError('empty body: send the list as the request body');
    const principal = c.get('principal');
    try {
      const started = await services.bulk.startStream(entriesOf(format, body as unknown as ByteSource, contentType), ownerOf(principal), quotaSubject(principal));
      const answer: BulkScanStarted = {
        job_id: started.job.id,
        message: 'Bulk scan job created successfully',
        total: started.total,
        rejected: started.rejected,
        rejected_count: started.rejectedCount,
        duplicates: started.duplicates,
      };
      return c.json(answer, 200);
    } catch (error) {
      if (error instanceof UploadIncompleteError) return c.json({ detail: error.message, code: 'upload_incomplete', job_id: error.jobId }, 400);
      if (error instanceof MissingFileError) throw new InputError(error.message, [{ loc: ['body', 'file'], msg: 'field required (multipart/form-data)', type: 'value_error.missing' }]);
      throw error;
    }
  });

  app.openapi(startRoute, async (c) => {
    // only JSON gets here (the streamed types returned above), validated by BulkScanRequestSchema;
    // the route's other documented types make hono's inferred input type never
    const body = c.req.valid('json' as never) as z.infer<typeof BulkScanRequestSchema>;
    // `domains` is an alias: the old service's own docs used it
    const list = body.domain_list ?? body.domains;
    const principal = c.get('principal');
    const started = await services.bulk.start(list, ownerOf(principal), quotaSubject(principal));
    return c.json(
      { job_id: started.job.id, message: 'Bulk scan job created successfully', total: started.total, rejected: started.rejected, duplicates: started.duplicates },
      200,
    );
  });

  app.openapi(statusRoute, async (c) => {
    const { job_id } = c.req.valid('param');
    const viewer = viewerOf(c.get('principal'));
    const job = await services.bulk.get(job_id, viewer);
    return c.json(serializeJobStatus(job, await services.bulk.errors(job_id, viewer)), 200);
  });

  app.openapi(resultsRoute, async (c) => {
    const { job_id } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const { job, pages } = await services.bulk.finishedResults(job_id, viewerOf(c.get('principal')));
    if (format === 'csv') {
      return streamResponse(CSV_HEADER, pages, leadsToCsvRows, '', {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="scan-${job.id}.csv"`,
      });
    }
    if (format === 'ndjson') {
      return streamResponse('', pages, (leads) => leads.map((lead) => `${JSON.stringify(lead)}\n`).join(''), '', { 'content-type': 'application/x-ndjson' });
    }
    const head = JSON.stringify({ job_id: job.id, total: job.total, succeeded: job.succeeded, failed: job.failed, results: [] }).slice(0, -2);
    return streamResponse(head, pages, jsonArrayMembers(), ']}', { 'content-type': 'application/json' });
  });
}
