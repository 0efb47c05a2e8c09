/**
 * The progress bar of `scan` (cli-progress) on stderr: done/total, rate, ETA and failures.
 * Drawn only when stderr is a terminal; otherwise nothing is drawn (pipes and CI logs stay clean).
 */
import cliProgress from 'cli-progress';
import type { JobState } from './api.js';

export interface ProgressView {
  update(job: JobState): void;
  /** Hide the bar (before a prompt or the summary). */
  stop(): void;
}

export function createProgressView(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {value}/{total} domains | {rate}/s | ETA {etaText} | {failed} failed | {status}',
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const startedAt = Date.now();
  let started = false;
  let active = false;
  return {
    update(job) {
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      const payload = {
        rate: (job.processed / seconds).toFixed(1),
        etaText: job.etaSeconds === null ? (job.processed >= job.total ? '0s' : '?') : formatSeconds(job.etaSeconds),
        failed: job.failed,
        status: job.status,
      };
      if (!started) {
        bar.start(job.total, job.processed, payload);
        started = true;
        active = true;
      } else if (active) {
        bar.setTotal(job.total);
        bar.update(job.processed, payload);
      }
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
