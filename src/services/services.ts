/** The services both doors (GraphQL and REST-compat) call. Built once in the composition root. */
import type { SingleScanService } from './single-scan.service.js';

export interface Services {
  singleScan: SingleScanService;
}
