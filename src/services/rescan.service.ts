/**
 * Rescans (`POST /scan/{domain}/rescan`, `POST /scan/bulk/rescan`): scan now and compare with
 * the domain's previous stored scan; a bulk rescan is an ordinary bulk job.
 */
import { normalizeDomain, normalizeDomainList } from '../scan/normalize.js';
import { ScanError } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import type { BulkScanService } from './bulk-scan.service.js';
import { InputError, StateError } from './input.errors.js';
import { diffScans, type LeadChange } from './rescan.diff.js';
import type { SingleScanService } from './single-scan.service.js';

export interface RescanResult {
  domain: string;
  success: boolean;
  changesDetected: boolean;
  signalChanges: number;
  scoreChanges: number;
  changes: LeadChange[];
  result: Lead | null;
  error: string | null;
}

/** Most domains in one bulk rescan (the old service's limit). */
export const MAX_BULK_RESCAN = 1000;

export interface RescanDeps {
  singleScan: SingleScanService;
  bulk: BulkScanService;
  /** The newest stored scan of a domain, null when it has none (or there is no database). */
  latestScan: (domain: string) => Promise<Lead | null>;
  now?: () => Date;
}

export function createRescanService(deps: RescanDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /**
     * Rescan one domain. A scan that fails is an answer (`success: false`), not an error.
     * `quotaSubject`: the caller a door scans for (one domain of its hourly quota), as for scans.
     * @throws InputError for an invalid domain; QuotaError over the caller's quota
     */
    async rescan(input: string, signal?: AbortSignal, quotaSubject?: string): Promise<RescanResult> {
      const normalized = normalizeDomain(input);
      if (!normalized.ok) throw new InputError(normalized.error, [{ loc: ['path', 'domain'], msg: normalized.error, type: 'value_error.domain' }]);
      const { domain } = normalized;
      // read before scanning: the new scan is stored as soon as it finishes
      const previous = await deps.latestScan(domain);
      let lead: Lead;
      try {
        lead = await deps.singleScan.scan(domain, signal, quotaSubject);
      } catch (error) {
        if (!(error instanceof ScanError)) throw error;
        const message = `${error.code}: ${error.message}`;
        return { domain, success: false, changesDetected: false, signalChanges: 0, scoreChanges: 0, changes: [], result: null, error: message };
      }
      const diff = diffScans(previous, lead, now());
      return {
        domain,
        success: true,
        changesDetected: diff.signalChanges + diff.scoreChanges > 0,
        signalChanges: diff.signalChanges,
        scoreChanges: diff.scoreChanges,
        changes: diff.changes,
        result: lead,
        error: null,
      };
    },

    /**
     * Start a bulk rescan of a comma-separated list.
     * `quotaSubject`: the caller a door starts the job for (the bulk quotas apply).
     * @throws StateError (REST 400) for a missing or empty list, no valid domain, or over 1000
     */
    async rescanMany(list: string | undefined, submittedBy: string | null = null, quotaSubject?: string) {
      const entries = (list ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (entries.length === 0) throw new StateError('domain_list parameter is required');
      const { domains } = normalizeDomainList(entries);
      if (domains.length === 0) throw new StateError('No valid domains provided');
      if (domains.length > MAX_BULK_RESCAN) throw new StateError(`Maximum ${MAX_BULK_RESCAN} domains per bulk rescan`);
      return deps.bulk.start(domains, submittedBy, quotaSubject);
    },
  };
}

export type RescanService = ReturnType<typeof createRescanService>;
