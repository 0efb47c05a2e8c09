/** Builds the old clients' services (companies, CSV ingest, rescans) over the repositories. */
import type { Repositories } from '../store/db-sink.js';
import type { BulkScanService } from './bulk-scan.service.js';
import { createCompaniesService } from './companies.service.js';
import { createCsvIngestService } from './csv-ingest.service.js';
import { createRescanService } from './rescan.service.js';
import type { OldClientServices } from './services.js';
import type { SingleScanService } from './single-scan.service.js';

export function oldClientServices(repos: Repositories | undefined, singleScan: SingleScanService, bulk: BulkScanService): OldClientServices {
  const companies = repos ? createCompaniesService(repos.companies) : null;
  return {
    companies,
    csvIngest: repos && companies ? createCsvIngestService({ companies, bulk, saveIngestJob: (job) => repos.companies.saveIngestJob(job) }) : null,
    ingestJob: async (id) => (repos ? repos.companies.getIngestJob(id) : null),
    rescan: createRescanService({ singleScan, bulk, latestScan: async (domain) => (repos ? repos.leads.latestScan(domain) : null) }),
  };
}
