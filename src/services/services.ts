/** The services both doors (GraphQL and REST-compat) call. Built once in the composition root. */
import type { JobStore } from '../jobs/job.store.js';
import type { JobSnapshot } from '../jobs/job.types.js';
import type { ProgressBus } from '../jobs/progress.js';
import type { IngestJob } from '../store/companies.repository.js';
import type { BulkScanService } from './bulk-scan.service.js';
import type { CompaniesService } from './companies.service.js';
import type { CsvIngestService } from './csv-ingest.service.js';
import type { LeadsService } from './leads.service.js';
import type { RescanService } from './rescan.service.js';
import type { SingleScanService } from './single-scan.service.js';

export interface ProgressServices {
  bus: ProgressBus;
  store: JobStore;
  prefix: string;
  heartbeatMs: number;
  /** Snapshot with the lazy job timeout applied. */
  refresh: (id: string) => Promise<JobSnapshot | null>;
  /** Aborted when the process shuts down: every subscription sends its final message and ends. */
  closing?: AbortSignal;
}

export interface Services {
  singleScan: SingleScanService;
  bulk: BulkScanService;
  progress: ProgressServices;
  leads: LeadsService;
  /** The old clients' doors (`/ingest/*`, `/jobs/*`, rescans); companies need the database (null without). */
  oldClients: OldClientServices;
}

export interface OldClientServices {
  companies: CompaniesService | null;
  csvIngest: CsvIngestService | null;
  /** A CSV upload by job id, null when unknown (or there is no database). */
  ingestJob: (id: string) => Promise<IngestJob | null>;
  rescan: RescanService;
}
