/** Builds the old clients' services (companies, CSV ingest, rescans) over the repositories. */
import { isJobId } from '../jobs/job-id.js';
import type { Repositories } from '../store/db-sink.js';
import type { BulkScanService } from './bulk-scan.service.js';
import { createCompaniesService } from './companies.service.js';
import { createCsvIngestService } from './csv-ingest.service.js';
import { createRescanService } from './rescan.service.js';
import type { OldClientServices } from './services.js';
import type { SingleScanService } from './single-scan.service.js';

/** @param maxBulk the largest bulk job (SCOUT_MAX_BULK): an upload queues at most this many domains */
export function oldClientServices(repos: Repositories | undefined, singleScan: SingleScanService, bulk: BulkScanService, maxBulk: number): OldClientServices {
  const companies = repos ? createCompaniesService(repos.companies) : null;
  return {
    companies,
    csvIngest: repos && companies ? createCsvIngestService({ companies, bulk, maxBulk, saveIngestJob: (job) => repos.companies.saveIngestJob(job) }) : null,
    // an id no job can have (a NUL, "%") is unknown without asking the database
    ingestJob: async (id) => (repos && isJobId(id) ? repos.companies.getIngestJob(id) : null),
    rescan: createRescanService({ singleScan, bulk, latestScan: async (domain) => (repos ? repos.leads.latestScan(domain) : null) }),
  };
}
