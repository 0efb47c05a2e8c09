/** The services both doors (GraphQL and REST-compat) call. Built once in the composition root. */
import type { JobStore } from '../jobs/job.store.js';
import type { JobSnapshot } from '../jobs/job.types.js';
import type { ProgressBus } from '../jobs/progress.js';
import type { BulkScanService } from './bulk-scan.service.js';
import type { LeadsService } from './leads.service.js';
import type { SingleScanService } from './single-scan.service.js';

export interface ProgressServices {
  bus: ProgressBus;
  store: JobStore;
  prefix: string;
  heartbeatMs: number;
  /** Snapshot with the lazy job timeout applied. */
  refresh: (id: string) => Promise<JobSnapshot | null>;
}

export interface Services {
  singleScan: SingleScanService;
  bulk: BulkScanService;
  progress: ProgressServices;
  leads: LeadsService;
}
