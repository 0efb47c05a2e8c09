/**
 * Copy a finished job from Redis into the database: every lead, every failure, the job row.
 * Idempotent (a scan is keyed by domain + scanned_at, a failure by its fields), so it can run
 * after the incremental writes as the guarantee that nothing is missing: after a worker died
 * with unwritten results, or the database was down while the job ran.
 */
import type { JobStore } from '../jobs/job.store.js';
import type { Repositories } from './db-sink.js';
import { storedJobOf } from './db-sink.js';

const CHUNK = 1000;

export async function persistJob(jobId: string, store: JobStore, repos: Repositories): Promise<{ leads: number; errors: number } | null> {
  const snapshot = await store.snapshot(jobId);
  if (!snapshot) return null; // expired from Redis: whatever reached the database is all there is
  let offset = 0;
  let leads = 0;
  for (;;) {
    // only what is still in Redis: the rest was written incrementally already
    const page = await store.results(jobId, offset, CHUNK, true);
    if (page.leads.length) {
      await repos.leads.saveScans(page.leads.map(({ position, ...lead }) => ({ jobId, position, lead })));
      leads += page.leads.length;
    }
    if (page.nextOffset === null) break;
    offset = page.nextOffset;
  }
  const failures = await store.errors(jobId);
  if (failures.length) await repos.jobs.saveErrors(failures.map((f) => ({ ...f, jobId })));
  await repos.jobs.upsertJob(storedJobOf(snapshot, (await store.options(jobId)) ?? {}));
  if (leads && store.movesResults()) {
    // the copied leads leave Redis too (page by page, like the copy)
    for (let from = 0; ; from += CHUNK) {
      const page = await store.results(jobId, from, CHUNK, true);
      if (page.leads.length) await store.evictResults(page.leads.map((lead) => ({ jobId, lead })));
      if (page.nextOffset === null) break;
      from = page.nextOffset - CHUNK;
    }
  }
  return { leads, errors: failures.length };
}
