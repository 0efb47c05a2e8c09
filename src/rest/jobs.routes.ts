/** `GET /jobs/{job_id}`: a CSV upload or any bulk job, in the old UI's polling shape. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { canView, viewerOf } from '../auth/principal.js';
import type { AppEnv } from '../http/app-env.js';
import { isJobId } from '../jobs/job-id.js';
import type { JobSnapshot } from '../jobs/job.types.js';
import type { ScanFailure } from '../scan/scan.errors.js';
import { truncateForEcho } from '../services/input.errors.js';
import type { Services } from '../services/services.js';
import type { IngestJob } from '../store/companies.repository.js';
import { JobIdParamSchema } from './bulk.schemas.js';
import { UploadJobSchema } from './jobs.schemas.js';
import { commonResponses, DetailSchema, jsonContent } from './rest.schemas.js';
import type { z } from '@hono/zod-openapi';

type UploadJob = z.infer<typeof UploadJobSchema>;


const jobRoute = createRoute({
  method: 'get',
  path: '/jobs/{job_id}',
  tags: ['jobs'],
  summary: 'Progress of an upload job (or any bulk job)',
  request: { params: JobIdParamSchema },
  responses: { 200: jsonContent(UploadJobSchema, 'The job'), 404: jsonContent(DetailSchema, 'Unknown job'), ...commonResponses },
});

const STATUS: Record<JobSnapshot['status'], UploadJob['status']> = {
  pending: 'pending',
  running: 'processing',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};

/** An upload that queued no scan: done when its rows were ingested. */
export function ingestOnlyView(upload: IngestJob): UploadJob {
  return {
    job_id: upload.id,
    status: 'completed',
    total: upload.totalRows,
    processed: upload.totalRows,
    successful: upload.ingested,
    failed: upload.totalRows - upload.ingested,
    progress_percent: 100,
    remaining: 0,
    errors: upload.errors,
    message: `Ingested ${upload.ingested} of ${upload.totalRows} rows`,
    started_at: upload.createdAt,
    completed_at: upload.finishedAt,
  };
}

/** A bulk job (an upload's scan, or any other), its upload's row errors first. */
export function bulkView(job: JobSnapshot, failures: ScanFailure[], upload: IngestJob | null): UploadJob {
  const status = STATUS[job.status];
  const percent = status === 'completed' ? 100 : job.total > 0 ? Math.round((job.processed * 10_000) / job.total) / 100 : 0;
  const message =
    status === 'completed'
      ? `Completed: ${job.succeeded} of ${job.total} domains scanned`
      : job.status === 'cancelled' || job.status === 'failed'
        ? (job.error?.message ?? 'Job failed')
        : `Processed ${job.processed} of ${job.total} domains`;
  return {
    job_id: job.id,
    status,
    total: job.total,
    processed: job.processed,
    successful: job.succeeded,
    failed: job.failed,
    progress_percent: percent,
    remaining: Math.max(0, job.total - job.processed),
    errors: [...(upload?.errors ?? []), ...failures.map((f) => `${f.domain}: ${f.code}: ${f.message}`)],
    message,
    started_at: job.startedAt ?? job.createdAt,
    completed_at: job.finishedAt,
  };
}

export function registerJobRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(jobRoute, async (c) => {
    const { job_id } = c.req.valid('param');
    // an id no job can have (NUL, "%", 1 MB) is unknown without asking the database
    if (!isJobId(job_id)) return c.json({ detail: `Job ${truncateForEcho(job_id, 80)} not found` }, 404);
    const viewer = viewerOf(c.get('principal'));
    const found = await services.oldClients.ingestJob(job_id);
    // another key's upload reads as unknown, like another key's bulk job
    const upload = found && canView(viewer, found.submittedBy) ? found : null;
    if (found && !upload) return c.json({ detail: `Job ${job_id} not found` }, 404);
    if (upload && upload.bulkJobId === null) return c.json(ingestOnlyView(upload), 200);
    const job = await services.bulk.get(job_id, viewer);
    return c.json(bulkView(job, await services.bulk.errors(job_id, viewer), upload), 200);
  });
}
