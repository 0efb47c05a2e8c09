/**
 * Streaming bulk submission: raw entries as an upload delivers them (CSV, plain text, NDJSON,
 * a multipart file) -> a job that exists from the first byte (status `pending`, total growing)
 * and whose units are queued chunk by chunk while the upload runs.
 *
 * The API heap holds one batch at a time: exact dedupe is the job's Redis set (pipelined
 * SADD), the domains go to the job's Redis list, units name ranges of it. Rejected entries are
 * counted with their reasons (the first REJECTED_LISTED listed). The job cannot complete while
 * uploading; at the end it is sealed (timeout set from the final total). An upload that breaks
 * off leaves the job `failed` with `upload_incomplete`: the domains already queued drain as
 * no-ops and its counters never move again.
 */
import { randomUUID } from 'node:crypto';
import type { JobSnapshot } from '../jobs/job.types.js';
import { normalizeDomain } from '../scan/normalize.js';
import { UnreadableEntry } from '../upload/entries.js';
import { InputError } from './input.errors.js';
import { QuotaError } from './quota.service.js';
import type { BulkScanDeps } from './bulk-scan.service.js';

export const REJECTED_LISTED = 100;
const BATCH = 2000;
/** A slow upload still shows up: what arrived is appended at least this often (ms). */
const FLUSH_MS = 200;

export interface StreamStartResult {
  job: JobSnapshot;
  total: number;
  /** The first REJECTED_LISTED rejected entries. */
  rejected: { input: string; error: string }[];
  rejectedCount: number;
  duplicates: number;
}

/** The bulk service's own dependencies (less the archive), and how long a job of `total` domains may run. */
export type BulkStreamDeps = Omit<BulkScanDeps, 'archive'> & {
  jobTimeoutMs: (total: number) => number;
};

export class UploadIncompleteError extends Error {
  constructor(
    readonly jobId: string,
    readonly cause: unknown,
  ) {
    super(`The upload broke off: job ${jobId} ends failed (upload_incomplete)`);
    this.name = 'UploadIncompleteError';
  }
}

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref());

class JobEndedDuringUpload extends Error {}

const echo = (entry: unknown) => (typeof entry === 'string' ? entry : JSON.stringify(entry) ?? String(entry)).slice(0, 200);

/** Entries read per allowed domain before a streamed upload is refused (repeats, rejected lines). */
export const ENTRIES_PER_DOMAIN = 4;

export function createBulkStreamStart(deps: BulkStreamDeps) {
  const { config, store, queues, publisher, sink } = deps;
  const now = deps.now ?? (() => new Date());
  const max = config.jobs.maxBulkStream;
  // entries of any kind an upload may hold (a CRM export lists several e-mail addresses per domain)
  const maxEntries = max * ENTRIES_PER_DOMAIN;
  const size = config.jobs.chunkSize;

  async function fail(id: string, code: 'upload_incomplete', message: string) {
    if (!(await store.finish(id, 'failed', { code, message }, now()))) return;
    const snapshot = await store.snapshot(id);
    if (snapshot) {
      await publisher.publish(snapshot);
      sink.saveJob(snapshot, (await store.options(id)) ?? {});
    }
    await deps.onJobFinished?.(id);
  }

  /** End the job failed (upload_incomplete) saying `jobMessage`, and throw `error` to the caller. */
  async function refuse(id: string, jobMessage: string, error: InputError): Promise<never> {
    await fail(id, 'upload_incomplete', jobMessage);
    throw error;
  }

  const refuseOverMax = (id: string) =>
    refuse(id, `More than ${max} domains (SCOUT_MAX_BULK_STREAM): the upload was refused.`, new InputError(`the list has more than ${max} domains; the maximum is ${max} (SCOUT_MAX_BULK_STREAM)`));

  /**
   * Start a job from a stream of raw entries. `onCreated` is told the job id as soon as it
   * exists (before the upload is read).
   * @throws InputError no valid domain, or more than SCOUT_MAX_BULK_STREAM (the job ends failed)
   * @throws UploadIncompleteError the entries' source failed midway (the job ends failed)
   */
  return async function startStream(
    entries: AsyncIterable<unknown>,
    submittedBy: string | null = null,
    quotaSubject?: string,
    onCreated?: (id: string) => void,
  ): Promise<StreamStartResult> {
    const id = randomUUID();
    // the domain count is unknown until the end: quotas see the job now, its domains batch by batch (flush)
    if (quotaSubject !== undefined && deps.quota) await deps.quota.admitJob(quotaSubject, id, 0);
    const createdAt = now();
    // while uploading, the longest timeout a job may get; set from the real total at the end
    const provisionalTimeout = new Date(createdAt.getTime() + deps.jobTimeoutMs(max));
    const options: Record<string, unknown> = { retries: config.limits.retries, streamed: true };
    let job = await store.create({ id, domains: [], createdAt, timeoutAt: provisionalTimeout, submittedBy, options, uploading: true });
    await publisher.publish(job);
    onCreated?.(id);
    const base = await store.currentRound();

    const rejected: { input: string; error: string }[] = [];
    let rejectedCount = 0;
    let duplicates = 0;
    let entriesRead = 0;
    let total = 0;
    let queued = 0;
    let batch: string[] = [];
    let flushedAt = Date.now();

    const flush = async (final: boolean) => {
      flushedAt = Date.now();
      // cancelled (or timed out) while uploading: read no further
      if (store.isFinished(await store.status(id))) throw new JobEndedDuringUpload();
      if (batch.length) {
        // the hourly domain quota, batch by batch, on the distinct domains (duplicates cost
        // nothing): an upload over it stops where it went over
        const quota = deps.quota;
        const admit = quotaSubject !== undefined && quota ? (added: number) => quota.admitDomains(quotaSubject, added) : undefined;
        const appended = await store.appendDomains(id, batch, provisionalTimeout, admit);
        duplicates += batch.length - appended.added.length;
        total = appended.total;
        batch = [];
      }
      // whole units as soon as they are full, the last (partial) one at the end
      const upTo = final ? total : total - (total % size);
      if (upTo > queued) {
        await queues.enqueueRange(id, queued, upTo, base);
        queued = upTo;
      }
    };

    try {
      const iterator = entries[Symbol.asyncIterator]();
      for (;;) {
        const next = iterator.next();
        let step = batch.length ? await Promise.race([next, sleep(FLUSH_MS)]) : await next;
        if (step === undefined) {
          // the upload paused: make what arrived visible (and queued) meanwhile
          await flush(false);
          step = await next;
        }
        if (step.done) break;
        // repeats and rejected lines are read too: bounded, so an endless body of them ends
        if (++entriesRead > maxEntries) {
          await refuse(
            id,
            `More than ${maxEntries} entries (${ENTRIES_PER_DOMAIN} x SCOUT_MAX_BULK_STREAM): the upload was refused.`,
            new InputError(`the upload has more than ${maxEntries} entries (repeats and rejected lines included); the maximum is ${ENTRIES_PER_DOMAIN} x SCOUT_MAX_BULK_STREAM`),
          );
        }
        const entry = step.value;
        if (entry instanceof UnreadableEntry) {
          rejectedCount++;
          if (rejected.length < REJECTED_LISTED) rejected.push({ input: entry.input, error: entry.error });
          continue;
        }
        const normalized = normalizeDomain(entry);
        if (!normalized.ok) {
          rejectedCount++;
          if (rejected.length < REJECTED_LISTED) rejected.push({ input: echo(entry), error: normalized.error });
          continue;
        }
        batch.push(normalized.domain);
        if (batch.length >= BATCH || Date.now() - flushedAt >= FLUSH_MS) {
          await flush(false);
          if (total > max) {
            await refuseOverMax(id);
          }
        }
      }
      await flush(true);
    } catch (error) {
      if (error instanceof JobEndedDuringUpload) {
        // the rest of the body is not read; the job keeps its final state
        job = (await store.snapshot(id)) ?? job;
        return { job, total, rejected, rejectedCount, duplicates };
      }
      if (error instanceof InputError) throw error;
      if (error instanceof QuotaError) {
        await fail(id, 'upload_incomplete', `Over the hourly domain quota after ${total} domains: the rest of the upload was refused.`).catch(() => {});
        throw error;
      }
      await fail(id, 'upload_incomplete', 'The upload broke off before its end: the job was not started in full.').catch(() => {});
      throw new UploadIncompleteError(id, error);
    }
    if (total > max) {
      await refuseOverMax(id);
    }
    if (total === 0) {
      await refuse(id, 'No valid domain in the upload.', new InputError('no valid domain in the upload', rejected.slice(0, 20).map((r, i) => ({ loc: ['body', i], msg: `${r.input}: ${r.error}`, type: 'value_error.domain' }))));
    }

    const timeoutMs = deps.jobTimeoutMs(total);
    const timeoutAt = new Date(createdAt.getTime() + timeoutMs);
    Object.assign(options, { timeoutMs, rejected: rejectedCount, duplicates });
    await store.setOptions(id, options);
    await store.seal(id, timeoutAt, now());
    await queues.controlQueue.add('timeout', { kind: 'timeout', jobId: id }, { delay: Math.max(0, timeoutAt.getTime() - Date.now()), jobId: `timeout-${id}`, removeOnComplete: true, removeOnFail: true });
    job = (await store.snapshot(id)) ?? job;
    sink.saveJob(job, options);
    await publisher.publish(job);
    if (job.status === 'completed') await deps.onJobFinished?.(id);
    return { job, total, rejected, rejectedCount, duplicates };
  };
}
