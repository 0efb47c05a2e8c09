/**
 * Domain outcomes as the job store counts them (exactly once per domain, whichever worker
 * records it): `scout_domains_finished_total{outcome}`, `scout_scan_errors_total{code}`, and one
 * log line per permanent failure (a domain that failed for good: permanent error or retries used up).
 */
import type { JobStore } from '../jobs/job.store.js';
import type { Logger } from '../logger.js';
import { metrics } from './metrics.js';

export function observeDomainOutcomes(store: JobStore, logger: Logger): JobStore {
  const record: JobStore['record'] = async (id, domain, outcome, now) => {
    const recorded = await store.record(id, domain, outcome, now);
    if (recorded.counted) {
      metrics.domainsFinished.inc({ outcome: outcome.kind });
      if (outcome.kind === 'failed') {
        const { code, category, attempts, message } = outcome.failure;
        metrics.scanErrors.inc({ code, category });
        logger.warn({ jobId: id, domain, code, category, attempts, reason: message }, 'domain failed');
      }
    }
    return recorded;
  };
  // a plain copy, not a Proxy: a trap and a bound function on every store call cost the hot path
  return { ...store, record };
}
