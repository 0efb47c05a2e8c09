/** Ingest on the old clients' wire (spec/api.md, part 2): one domain, or a CSV upload. */
import { z } from '@hono/zod-openapi';

/** Entries stay `unknown`: the companies service names what is wrong with each (422). */
export const IngestDomainRequestSchema = z
  .object({
    domain: z.unknown().openapi({ type: 'string', example: 'example.com' }),
    company_name: z.unknown().optional().openapi({ type: 'string', example: 'Example Ltd' }),
    email: z.unknown().optional().openapi({ type: 'string', description: 'Its domain (after the last @) replaces domain when valid' }),
    website: z.unknown().optional().openapi({ type: 'string', description: 'Its domain replaces domain when valid (before email)' }),
  })
  .openapi('IngestDomainRequest');

export const IngestDomainResultSchema = z
  .object({
    domain: z.string(),
    company_id: z.number().int().openapi({ description: 'Stable per domain: the same id on every repeat' }),
    message: z.string(),
  })
  .openapi('IngestDomainResult');

/** `true/false`, `1/0`, `yes/no`, `on/off`; absent: the path's default. */
const boolParam = (name: string, description: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'True', 'False', ''])
    .optional()
    .openapi({ param: { name, in: 'query' }, description });

export const IngestCsvQuerySchema = z.object({
  auto_scan: boolParam('auto_scan', 'Queue the valid domains as one bulk job. Default true at /ingest/csv, false under /api/v1'),
  auto_detect_columns: boolParam('auto_detect_columns', 'Find the domain/company columns by content when the header does not name them'),
});

export const IngestCsvFormSchema = z
  .object({ file: z.string().openapi({ type: 'string', format: 'binary', description: 'The .csv file' }) })
  .openapi('IngestCsvForm');

export const IngestCsvResultSchema = z
  .object({
    job_id: z.string().openapi({ description: 'Poll GET /jobs/{job_id}' }),
    message: z.string(),
    ingested: z.number().int(),
    scanned: z.number().int().openapi({ description: 'Domains queued for scanning' }),
    total_rows: z.number().int(),
    errors: z.array(z.string()).nullable().openapi({ description: 'One line per rejected row, with its row number (the header is row 1)' }),
  })
  .openapi('IngestCsvResult');

export const parseBool = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined || value === '' ? fallback : ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
