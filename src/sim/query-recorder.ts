/**
 * The query log and counters shared by the three servers of one simulator, so a test can tell
 * exactly what a client asked and how it was answered.
 */
import type { SimProtoStats, SimQueryLogEntry, SimStats } from './sim.types.js';

/** Options of {@link createQueryRecorder}. */
export interface QueryRecorderOptions {
  /** Keep only the newest N log entries (counters stay exact). Default: unlimited. */
  maxLogEntries?: number;
}

/** Record queries; read them back as a log or as counters. */
export function createQueryRecorder(options: QueryRecorderOptions = {}) {
  const max = options.maxLogEntries;
  let entries: SimQueryLogEntry[] = [];
  let stats = emptyStats();

  function bump(counts: Partial<Record<string, number>>, key: string): void {
    counts[key] = (counts[key] ?? 0) + 1;
  }

  return {
    record(entry: SimQueryLogEntry): void {
      if (max === undefined || max > 0) {
        entries.push(entry);
        // Trim in batches: amortised O(1) instead of a shift per entry.
        if (max !== undefined && entries.length >= 2 * max) entries = entries.slice(-max);
      }
      const s: SimProtoStats = stats[entry.proto];
      s.total++;
      bump(s.byOutcome, entry.outcome);
      if (entry.proto === 'dns' && entry.type) bump(stats.dns.byType, entry.type);
    },
    recordBootstrapFetch(): void {
      stats.bootstrap.total++;
    },
    /** Copy of the log, oldest first (the newest `maxLogEntries` when bounded). */
    log(): SimQueryLogEntry[] {
      return max !== undefined && entries.length > max ? entries.slice(-max) : [...entries];
    },
    /** Copy of the counters. */
    stats(): SimStats {
      return structuredClone(stats);
    },
    reset(): void {
      entries = [];
      stats = emptyStats();
    },
  };
}

/** The recorder of one simulator. */
export type QueryRecorder = ReturnType<typeof createQueryRecorder>;

function emptyStats(): SimStats {
  return {
    dns: { total: 0, byType: {}, byOutcome: {} },
    whois: { total: 0, byOutcome: {} },
    rdap: { total: 0, byOutcome: {} },
    bootstrap: { total: 0 },
  };
}
