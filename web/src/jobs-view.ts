/** "Jobs": the job history (`bulkScans`), newest first, each opening its live view. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from './api.js';
import { useShell } from './context.js';
import { elapsedSeconds, formatDate, formatDuration } from './format.js';
import { BULK_SCANS, type Job } from './operations.js';

interface Page {
  bulkScans: { items: Job[]; endCursor: string | null; hasNextPage: boolean };
}

export function JobsView() {
  const { reportError } = useShell();
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);

  async function load(after: string | null) {
    try {
      const data = await request<Page>(BULK_SCANS, { first: 25, after });
      setJobs((prev) => (after && prev ? [...prev, ...data.bulkScans.items] : data.bulkScans.items));
      setCursor(data.bulkScans.endCursor);
      setMore(data.bulkScans.hasNextPage);
    } catch (error) {
      reportError(error as ApiError);
      setJobs((prev) => prev ?? []);
    }
  }
  useEffect(() => void load(null), []);

  return html`
    <section class="card">
      <div class="card-head"><h2>Job history</h2><button type="button" class="ghost" onClick=${() => load(null)}>Refresh</button></div>
      ${jobs === null
        ? html`<p class="empty">Loading…</p>`
        : jobs.length === 0
          ? html`<p class="empty">No jobs yet. Start one on the Scan page.</p>`
          : html`<div class="table-wrap"><table class="jobs" data-testid="jobs-table">
              <thead><tr><th>Created</th><th>Job</th><th>Status</th><th>Progress</th><th class="num">Domains</th><th class="num">Succeeded</th><th class="num">Failed</th><th>Duration</th></tr></thead>
              <tbody>${jobs.map(
                (job) => html`<tr key=${job.id}>
                  <td class="when">${formatDate(job.createdAt)}</td>
                  <td><a href=${`#/job/${job.id}`}><code>${job.id.slice(0, 8)}</code></a></td>
                  <td><span class=${`status st-${job.status}`}>${job.status}</span>${job.error ? html` <small title=${job.error.message}>${job.error.code}</small>` : ''}</td>
                  <td><span class="mini-progress"><span class=${`st-${job.status}`} style=${{ width: `${job.progress}%` }}></span></span> ${job.progress}%</td>
                  <td class="num">${job.total}</td><td class="num">${job.succeeded}</td><td class="num">${job.failed}</td>
                  <td>${formatDuration(elapsedSeconds(job.startedAt ?? job.createdAt, job.finishedAt))}</td>
                </tr>`,
              )}</tbody></table></div>
            ${more ? html`<p class="more"><button type="button" onClick=${() => load(cursor)}>Load more</button></p>` : ''}`}
    </section>`;
}
