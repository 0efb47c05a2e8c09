/** JobSnapshot / ScanFailure -> the REST-compat JSON shapes of spec/api.md. Pure. */
import type { JobSnapshot } from '../jobs/job.types.js';
import type { ScanFailure } from '../scan/scan.errors.js';

export function serializeFailure(failure: ScanFailure) {
  return {
    domain: failure.domain,
    error: failure.message,
    category: failure.category,
    code: failure.code,
    attempts: failure.attempts,
    timestamp: failure.timestamp,
  };
}

export function serializeJobStatus(job: JobSnapshot, errors: ScanFailure[]) {
  return {
    job_id: job.id,
    status: job.status,
    progress: job.progress,
    total: job.total,
    processed: job.processed,
    succeeded: job.succeeded,
    failed: job.failed,
    errors: errors.map(serializeFailure),
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    eta_seconds: job.etaSeconds,
    error: job.error,
  };
}
