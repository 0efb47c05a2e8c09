/**
 * Where finished work goes besides Redis: the database (leads, job history, error log).
 * Redis keeps every result until its job expires, so a sink that is down loses nothing.
 */
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import type { JobSnapshot } from './job.types.js';

export interface ResultSink {
  saveLead(jobId: string | null, position: number | null, lead: Lead): void;
  /** A failed domain, or the WHOIS error of a `whois_failed` lead: the permanent error log. */
  saveFailure(jobId: string | null, failure: ScanFailure): void;
  saveJob(snapshot: JobSnapshot, options?: Record<string, unknown>): void;
  /** Write everything buffered (giving up after `timeoutMs`: Redis still has it). */
  drain(timeoutMs?: number): Promise<void>;
}

export const noopSink: ResultSink = {
  saveLead: () => {},
  saveFailure: () => {},
  saveJob: () => {},
  drain: async () => {},
};
