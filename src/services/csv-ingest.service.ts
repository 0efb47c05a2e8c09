/**
 * CSV uploads (`POST /ingest/csv`): parse the file as it streams in, ingest its rows as
 * companies (in batches), and with `autoScan` queue the unique valid domains as one bulk job.
 * The answer comes once the file is read; the scanning runs on.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { IngestJob } from '../store/companies.repository.js';
import type { BulkScanService } from './bulk-scan.service.js';
import { resolveCompany, type CompaniesService, type ResolvedCompany } from './companies.service.js';
import { StateError } from './input.errors.js';
import { MAX_LINE_CHARS } from '../upload/entries.js';

export interface CsvIngestOptions {
  autoScan: boolean;
  /** Find the domain (and company) column by content when the header does not name one. */
  autoDetectColumns: boolean;
  submittedBy?: string | null;
  /** The caller a door ingests for: an auto_scan job counts against its bulk quotas. */
  quotaSubject?: string;
}

export interface CsvIngestResult {
  jobId: string;
  message: string;
  ingested: number;
  scanned: number;
  totalRows: number;
  /** One line per rejected row (`Row <n>: <reason>`, the header is row 1); null when none. */
  errors: string[] | null;
}

/** Which column holds what (indexes into a record). */
export interface ColumnMap {
  domain: number;
  companyName: number | null;
  email: number | null;
  website: number | null;
}

/** Rows per company upsert. */
const BATCH = 1000;
/** Rows read before the columns are detected by content. */
const DETECT_SAMPLE = 20;
/** Error lines kept (the count of rejected rows is always exact). */
const MAX_ERROR_LINES = 1000;

const HEADER_NAMES: Readonly<Record<keyof ColumnMap, readonly string[]>> = {
  domain: ['domain', 'domain_name', 'domains'],
  companyName: ['company_name', 'company', 'name'],
  email: ['email', 'e-mail', 'mail'],
  website: ['website', 'url', 'web'],
};

/** Columns named by a header row (lowercased, trimmed), null when no `domain` column. Pure. */
export function columnsFromHeader(header: readonly string[]): ColumnMap | null {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (key: keyof ColumnMap) => {
    const i = names.findIndex((n) => HEADER_NAMES[key].includes(n));
    return i < 0 ? null : i;
  };
  const domain = find('domain');
  if (domain === null) return null;
  return { domain, companyName: find('companyName'), email: find('email'), website: find('website') };
}

const looksLikeDomain = (value: string | undefined) => value !== undefined && /\./.test(value) && resolveCompany({ domain: value }).ok;

/**
 * Columns found by content: the domain column is the one with the most valid domains in the
 * sample (at least half its rows); the company column the first other column with text.
 * `headerRow` tells whether the first record is a header (its domain cell is not a domain). Pure.
 */
export function detectColumns(sample: readonly string[][]): { columns: ColumnMap; headerRow: boolean } | null {
  if (sample.length === 0) return null;
  const body = sample.length > 1 ? sample.slice(1) : sample;
  const width = Math.max(...sample.map((r) => r.length));
  let best = -1;
  let bestHits = 0;
  for (let col = 0; col < width; col++) {
    const hits = body.filter((r) => looksLikeDomain(r[col])).length;
    if (hits > bestHits) [best, bestHits] = [col, hits];
  }
  if (best < 0 || bestHits * 2 < body.length) return null;
  const headerRow = !looksLikeDomain(sample[0][best]);
  const companyCol = Array.from({ length: width }, (_, i) => i).find(
    (col) => col !== best && body.some((r) => (r[col] ?? '').trim() !== '' && !looksLikeDomain(r[col]) && !(r[col] ?? '').includes('@')),
  );
  return { columns: { domain: best, companyName: companyCol ?? null, email: null, website: null }, headerRow };
}

export interface CsvIngestDeps {
  companies: CompaniesService;
  bulk: BulkScanService;
  saveIngestJob: (job: IngestJob) => Promise<void>;
  /** The largest bulk job: domains beyond it are ingested but not queued (and said so). */
  maxBulk: number;
  now?: () => Date;
}

export function createCsvIngestService(deps: CsvIngestDeps) {
  const now = deps.now ?? (() => new Date());

  return {
    /**
     * Ingest a CSV file.
     * @throws StateError (REST 400) for an empty file, unparseable CSV or no domain column
     */
    async ingest(file: Readable, options: CsvIngestOptions): Promise<CsvIngestResult> {
      const parser = file.pipe(
        // a record longer than MAX_LINE_CHARS is a parse error (400), not a string grown until the heap gives out
        parse({ bom: true, delimiter: [',', ';', '\t'], max_record_size: MAX_LINE_CHARS, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }),
      );
      file.on('error', (error) => parser.destroy(error));
      const errors: string[] = [];
      let rejected = 0;
      let totalRows = 0;
      let ingested = 0;
      // at most SCOUT_MAX_BULK domains are held for the job (the upload itself has no size cap);
      // the valid rows past that are only counted
      const toScan = new Set<string>();
      let overBulk = 0;
      let batch: (ResolvedCompany & { ok: true })[] = [];
      let columns: ColumnMap | null = null;
      let rowNumber = 0;
      const pending: string[][] = [];

      const flush = async () => {
        if (batch.length === 0) return;
        const ids = await deps.companies.upsertMany(batch);
        ingested += batch.filter((c) => ids.has(c.domain)).length;
        batch = [];
      };
      const take = async (record: string[], row: number) => {
        totalRows++;
        const cell = (i: number | null) => (i === null ? undefined : record[i]);
        const resolved = resolveCompany({
          domain: cell(columns!.domain),
          company_name: cell(columns!.companyName),
          email: cell(columns!.email),
          website: cell(columns!.website),
        });
        if (!resolved.ok) {
          rejected++;
          if (errors.length < MAX_ERROR_LINES) errors.push(`Row ${row}: ${resolved.error}`);
          return;
        }
        batch.push(resolved);
        if (options.autoScan) {
          if (toScan.size < deps.maxBulk) toScan.add(resolved.domain);
          else if (!toScan.has(resolved.domain)) overBulk++;
        }
        if (batch.length >= BATCH) await flush();
      };

      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          rowNumber++;
          if (columns === null) {
            if (rowNumber === 1) {
              columns = columnsFromHeader(record);
              if (columns) continue;
              if (!options.autoDetectColumns) throw new StateError('CSV has no domain column (a header named "domain" is required, or use auto_detect_columns=true)');
            }
            pending.push(record);
            if (pending.length < DETECT_SAMPLE) continue;
            columns = await startDetected(pending);
            continue;
          }
          await take(record, rowNumber);
        }
        if (columns === null) {
          if (rowNumber === 0) throw new StateError('The CSV file is empty');
          if (pending.length === 0) throw new StateError('The CSV file has a header but no rows');
          columns = await startDetected(pending);
        }
      } catch (error) {
        if (error instanceof CsvError) throw new StateError(`Could not parse the CSV file: ${error.message}`);
        throw error;
      }
      await flush();

      async function startDetected(sample: string[][]): Promise<ColumnMap> {
        const detected = detectColumns(sample);
        if (!detected) throw new StateError('No domain column found in the CSV file');
        columns = detected.columns;
        const body = detected.headerRow ? sample.slice(1) : sample;
        const first = detected.headerRow ? 2 : 1;
        for (let i = 0; i < body.length; i++) await take(body[i], first + i);
        sample.length = 0;
        return columns;
      }

      const createdAt = now().toISOString();
      let jobId: string;
      let scanned = 0;
      if (overBulk > 0) {
        errors.push(`${overBulk} domains over the bulk limit of ${deps.maxBulk} (SCOUT_MAX_BULK) were ingested but not queued for scanning`);
      }
      if (options.autoScan && toScan.size > 0) {
        const started = await deps.bulk.start([...toScan], options.submittedBy ?? null, options.quotaSubject);
        jobId = started.job.id;
        scanned = started.total;
      } else {
        jobId = randomUUID();
      }
      const shown = errors.filter((line) => line.startsWith('Row ')).length;
      const errorLines = rejected > shown ? [...errors, `... and ${rejected - shown} more rejected rows`] : errors;
      await deps.saveIngestJob({
        id: jobId,
        totalRows,
        ingested,
        errors: errorLines,
        bulkJobId: scanned > 0 ? jobId : null,
        createdAt,
        finishedAt: scanned > 0 ? null : createdAt,
        submittedBy: options.submittedBy ?? null,
      });
      const message =
        scanned > 0
          ? `Ingested ${ingested} of ${totalRows} rows; scanning ${scanned} domains`
          : `Ingested ${ingested} of ${totalRows} rows`;
      return { jobId, message, ingested, scanned, totalRows, errors: errorLines.length > 0 ? errorLines : null };
    },
  };
}

export type CsvIngestService = ReturnType<typeof createCsvIngestService>;
