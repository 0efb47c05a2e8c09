/** The GraphQL operations the dashboard sends (see schema.graphql at the project root). */

export const LEAD_FIELDS = /* GraphQL */ `
  fragment LeadFields on Lead {
    domain score segment provider providerConfidence mxRoot mailGateway tenantSize
    spf dkim dmarcPolicy registrar expiresAt scanStatus scannedAt
    priorityScore priorityCategory priorityLabel tags
  }
`;

const JOB_FIELDS = /* GraphQL */ `
  fragment JobFields on BulkScan {
    id status progress total processed succeeded failed createdAt startedAt finishedAt etaSeconds
    error { code message }
  }
`;

export const START_BULK_SCAN = /* GraphQL */ `
  mutation StartBulkScan($domains: [String!]!) {
    startBulkScan(domains: $domains) { total duplicates rejected { input error } job { ...JobFields } }
  }
  ${JOB_FIELDS}
`;

export const CANCEL_BULK_SCAN = /* GraphQL */ `
  mutation CancelBulkScan($id: ID!) { cancelBulkScan(id: $id) { ...JobFields } }
  ${JOB_FIELDS}
`;

export const BULK_SCAN_PROGRESS = /* GraphQL */ `
  subscription BulkScanProgress($id: ID!) { bulkScanProgress(id: $id) { ...JobFields } }
  ${JOB_FIELDS}
`;

export const BULK_SCAN_RESULTS = /* GraphQL */ `
  subscription BulkScanResults($id: ID!) { bulkScanResults(id: $id) { ...LeadFields } }
  ${LEAD_FIELDS}
`;

export const JOB_ERRORS = /* GraphQL */ `
  query JobErrors($id: ID!) { bulkScan(id: $id) { id errors { domain category code message attempts timestamp } } }
`;

export const BULK_SCANS = /* GraphQL */ `
  query BulkScans($first: Int, $after: String) {
    bulkScans(first: $first, after: $after) { items { ...JobFields } endCursor hasNextPage }
  }
  ${JOB_FIELDS}
`;

export const LEADS = /* GraphQL */ `
  query Leads($filter: LeadFilter, $first: Int, $after: String) {
    leads(filter: $filter, first: $first, after: $after) { items { ...LeadFields } endCursor hasNextPage }
  }
  ${LEAD_FIELDS}
`;

export const LEAD_HISTORY = /* GraphQL */ `
  query LeadHistory($domain: String!) {
    lead(domain: $domain) { lead { ...LeadFields nameservers createdAt whoisSource reason } history { ...LeadFields } }
  }
  ${LEAD_FIELDS}
`;

export const PING = /* GraphQL */ `query Ping { __typename }`;

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  status: JobStatus;
  progress: number;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  etaSeconds: number | null;
  error: { code: string; message: string } | null;
}

export interface Lead {
  domain: string;
  score: number;
  segment: string;
  provider: string;
  providerConfidence: string;
  mxRoot: string | null;
  mailGateway: string | null;
  tenantSize: string | null;
  spf: boolean;
  dkim: boolean;
  dmarcPolicy: string | null;
  registrar: string | null;
  expiresAt: string | null;
  scanStatus: string;
  scannedAt: string;
  priorityScore: number;
  priorityCategory: string;
  priorityLabel: string;
  tags: string[];
  nameservers?: string[] | null;
  createdAt?: string | null;
  whoisSource?: string | null;
  reason?: string;
}

export interface ScanError {
  domain: string;
  category: string;
  code: string;
  message: string;
  attempts: number;
  timestamp: string;
}

export const PROVIDERS = ['M365', 'Google', 'Yandex', 'Zoho', 'Amazon', 'SendGrid', 'Mailgun', 'Hosting', 'Local', 'Unknown'];
export const SEGMENTS = ['Existing', 'Migration', 'Cold', 'Skip'];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
export const TERMINAL: JobStatus[] = ['completed', 'failed', 'cancelled'];
