/**
 * Single-domain scans (`Mutation.scanDomain`, `POST /scan/domain`): normalise, then scan now with
 * the workers' retry policy.
 */
import type { Config } from '../config.js';
import { normalizeDomain } from '../scan/normalize.js';
import { scanWithRetries, type ScanDeps } from '../scan/scan-domain.js';
import type { Lead } from '../scan/scan.types.js';
import { InputError } from './input.errors.js';

export interface SingleScanService {
  scan(input: unknown, signal?: AbortSignal): Promise<Lead>;
}

export function createSingleScanService(config: Config, deps: ScanDeps, onLead?: (lead: Lead) => Promise<void> | void): SingleScanService {
  return {
    async scan(input, signal) {
      const normalized = normalizeDomain(input);
      if (!normalized.ok) {
        throw new InputError(normalized.error, [{ loc: ['body', 'domain'], msg: normalized.error, type: 'value_error.domain' }]);
      }
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
