/**
 * Bulk-job lifecycle log and metrics, observed where every state change goes out: the progress
 * publisher. Whichever process causes a change (the API creates and cancels, a worker starts
 * and finishes, the timeout lands anywhere) publishes it, so each change is logged once:
 * `job created` / `job started` / `job finished` (counts, duration) / `job cancelled` /
 * `job timed out`. Progress updates in between log nothing.
 */
import type { JobSnapshot } from '../jobs/job.types.js';
import type { Logger } from '../logger.js';
import { metrics } from './metrics.js';

interface Publisher {
  publish(snapshot: JobSnapshot): Promise<void>;
}

/** The lifecycle event a status change is, or null when it is not one. */
export function lifecycleEventOf(previous: JobSnapshot['status'] | undefined, snapshot: JobSnapshot): string | null {
  if (previous === snapshot.status) return null;
  switch (snapshot.status) {
    case 'pending':
      return 'created';
    case 'running':
      return 'started';
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return snapshot.error?.code === 'job_timeout' ? 'timed_out' : 'failed';
    default:
      return null;
  }
}

const MESSAGES: Record<string, string> = {
  created: 'job created',
  started: 'job started',
  completed: 'job finished',
  failed: 'job failed',
  cancelled: 'job cancelled',
  timed_out: 'job timed out',
};

/** Wrap a progress publisher so that each job's status changes are logged and counted once. */
export function observeJobLifecycle<P extends Publisher>(publisher: P, logger: Logger): P {
  // last status seen per job; bounded (a job finished by another process never ends here)
  const seen = new Map<string, JobSnapshot['status']>();
  const observe = (snapshot: JobSnapshot) => {
    const event = lifecycleEventOf(seen.get(snapshot.id), snapshot);
    if (!event) return;
    const finished = snapshot.finishedAt !== null;
    if (finished) seen.delete(snapshot.id);
    else {
      seen.set(snapshot.id, snapshot.status);
      if (seen.size > 10_000) seen.delete(seen.keys().next().value!);
    }
    metrics.jobEvents.inc({ event });
    const fields: Record<string, unknown> = { jobId: snapshot.id, event, status: snapshot.status, total: snapshot.total, submittedBy: snapshot.submittedBy };
    if (finished) {
      const durationMs = Date.parse(snapshot.finishedAt!) - Date.parse(snapshot.createdAt);
      Object.assign(fields, { processed: snapshot.processed, succeeded: snapshot.succeeded, failed: snapshot.failed, durationMs, error: snapshot.error?.code });
      if (Number.isFinite(durationMs)) metrics.jobDuration.observe({ status: snapshot.status }, durationMs / 1000);
    }
    logger.info(fields, MESSAGES[event] ?? `job ${event}`);
  };
  return new Proxy(publisher, {
    get(target, property, receiver) {
      if (property === 'publish') {
        return (snapshot: JobSnapshot) => {
          try {
            observe(snapshot);
          } catch {
            // observing must never break publishing
          }
          return target.publish(snapshot);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
