/**
 * Single-domain scans (`Mutation.scanDomain`, `POST /scan/domain`): normalise, then scan now with
 * the workers' retry policy.
 */
import type { Config } from '../config.js';
import { normalizeDomain } from '../scan/normalize.js';
import { scanWithRetries, type ScanDeps } from '../scan/scan-domain.js';
import type { Lead } from '../scan/scan.types.js';
import { InputError } from './input.errors.js';
import { noQuotas, type QuotaService } from './quota.service.js';

export interface SingleScanService {
  /** `quotaSubject`: the caller a door scans for (one domain of its hourly quota); none for in-process calls. */
  scan(input: unknown, signal?: AbortSignal, quotaSubject?: string): Promise<Lead>;
}

export function createSingleScanService(config: Config, deps: ScanDeps, onLead?: (lead: Lead) => Promise<void> | void, quota: QuotaService = noQuotas): SingleScanService {
  return {
    async scan(input, signal, quotaSubject) {
      const normalized = normalizeDomain(input);
      if (!normalized.ok) {
        throw new InputError(normalized.error, [{ loc: ['body', 'domain'], msg: normalized.error, type: 'value_error.domain' }]);
      }
      if (quotaSubject !== undefined) await quota.admitScan(quotaSubject);
      const { lead } = await scanWithRetries(normalized.domain, deps, {
        retries: config.limits.retries,
        backoffMs: config.limits.backoffMs,
        signal,
      });
      await onLead?.(lead);
      return lead;
    },
  };
}
