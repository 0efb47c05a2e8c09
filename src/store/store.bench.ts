/**
 * Write throughput of the lead store: n synthetic leads through the write buffer into
 * `saveScans`, as the bulk workers write them. Not a vitest bench file: a function the
 * benchmark script and the store tests call.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { createLeadRepository } from './leads.repository.js';
import { buildLead } from './store.test-utils.js';
import type { ScanRow } from './store.types.js';
import { createWriteBuffer } from './write-buffer.js';

/** Options of {@link measureWriteThroughput}. */
export interface WriteThroughputOptions {
  /** Batch size of the write buffer. Default 200 (the buffer's default). */
  maxItems?: number;
}

/**
 * Save `n` new leads (unique domains, one bulk job) through a write buffer and return the rate
 * in leads per second, from the first push to the end of `drain()`. The migrated schema of `db`
 * must be in place; the rows stay (domains `bench-<uuid>-<i>.example`, job `bench-<uuid>`).
 */
export async function measureWriteThroughput(db: Db, n: number, options: WriteThroughputOptions = {}): Promise<number> {
  const leads = createLeadRepository(db);
  // A failed flush would be retried, but it makes the figure meaningless: fail the measure.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const buffer = createWriteBuffer<ScanRow>({
    flush: (rows) => leads.saveScans(rows),
    maxItems: options.maxItems ?? 200,
    onError: (error) => fail(error),
  });
  const run = randomUUID().slice(0, 8);
  const jobId = `bench-${run}`;
  const scannedAt = new Date().toISOString();
  const rows: ScanRow[] = Array.from({ length: n }, (_, i) => ({
    jobId,
    position: i,
    lead: buildLead({ domain: `bench-${run}-${i}.example`, score: i % 101, scanned_at: scannedAt }),
  }));

  const started = performance.now();
  for (const row of rows) buffer.push(row);
  await Promise.race([buffer.drain(), failed]);
  const seconds = (performance.now() - started) / 1000;
  return n / seconds;
}
