/** Numbers for people: rate, ETA, durations, dates. Pure. */

export interface Sample {
  at: number;
  processed: number;
}

/** Domains per second over the samples of the last `windowMs` (at least two samples). */
export function rateOf(samples: Sample[], windowMs = 10_000): number | null {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1];
  const first = samples.find((s) => last.at - s.at <= windowMs) ?? samples[0];
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0.2) return null;
  return (last.processed - first.processed) / seconds;
}

export function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function elapsedSeconds(fromIso: string | null, toIso: string | null, now = Date.now()): number | null {
  if (!fromIso) return null;
  const end = toIso ? new Date(toIso).getTime() : now;
  return (end - new Date(fromIso).getTime()) / 1000;
}

/** "Nov 28, 12:00": for table cells. */
export function formatShortDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}
