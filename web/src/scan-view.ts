/** "Scan": paste or upload domains, start a job; below it, the job of the route watched live. */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { ApiError, downloadCsv, request } from './api.js';
import { useShell } from './context.js';
import { elapsedSeconds, formatDate, formatDuration, formatRate, rateOf } from './format.js';
import { entriesFromText } from './input.js';
import { FilterBar, LeadsTable } from './leads-table.js';
import { CANCEL_BULK_SCAN, START_BULK_SCAN, TERMINAL, type Job } from './operations.js';
import { EMPTY_FILTER, filterLeads, sortLeads, tagsOf, type SortState } from './table-state.js';
import { useLiveJob } from './use-live-job.js';

interface StartResult {
  startBulkScan: { total: number; duplicates: number; rejected: { input: string; error: string }[]; job: Job };
}

export interface StartNotice {
  jobId: string;
  total: number;
  duplicates: number;
  rejected: { input: string; error: string }[];
}

export function ScanForm({ onStarted }: { onStarted: (notice: StartNotice) => void }) {
  const { reportError } = useShell();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [busy, setBusy] = useState(false);
  const entries = useMemo(() => {
    try {
      return entriesFromText(text);
    } catch {
      return text.split(/\s+/).filter(Boolean);
    }
  }, [text]);

  async function onFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
  }

  async function start(event: Event) {
    event.preventDefault();
    if (entries.length === 0) return;
    setBusy(true);
    try {
      const data = await request<StartResult>(START_BULK_SCAN, { domains: entries });
      const { job, total, duplicates, rejected } = data.startBulkScan;
      onStarted({ jobId: job.id, total, duplicates, rejected });
    } catch (error) {
      reportError(error as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return html`
    <form class="card scan-form" onSubmit=${start}>
      <div class="card-head"><h2>New bulk scan</h2><span class="hint">Domains, URLs or e-mail addresses: one a line, or a CSV with a domain / website / email column.</span></div>
      <textarea name="domains" rows="6" spellcheck=${false} placeholder=${'acme.com\nhttps://www.example.org/contact\ninfo@company.eu'} value=${text}
        onInput=${(e: Event) => { setText((e.currentTarget as HTMLTextAreaElement).value); setFileName(''); }}></textarea>
      <div class="form-row">
        <label class="file"><input type="file" name="csv" accept=".csv,.txt,text/csv,text/plain" onChange=${onFile} /><span>Upload CSV…</span></label>
        ${fileName ? html`<span class="hint">${fileName}</span>` : ''}
        <span class="count">${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}</span>
        <button type="submit" class="primary" disabled=${busy || entries.length === 0}>${busy ? 'Starting…' : 'Scan'}</button>
      </div>
    </form>`;
}

const STATUS_TEXT: Record<string, string> = { pending: 'Queued', running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' };

export function LiveJobView({ id, notice }: { id: string; notice: StartNotice | null }) {
  const { reportError } = useShell();
  const live = useLiveJob(id);
  const { job, leads, errors, samples, connection, problem } = live;
  const [filter, setFilter] = useState(EMPTY_FILTER);
  const [sort, setSort] = useState<SortState>({ key: 'priorityCategory', descending: false });
  const [cancelling, setCancelling] = useState(false);
  const shownLeads = useMemo(() => sortLeads(filterLeads(leads, filter), sort), [leads, filter, sort]);
  const tags = useMemo(() => tagsOf(leads), [leads]);

  if (!job) {
    return html`<section class="card"><p class="empty">${problem ? problem.message : 'Connecting to the job…'}</p></section>`;
  }
  const running = !TERMINAL.includes(job.status);
  const rate = running ? rateOf(samples) : job.startedAt && job.finishedAt ? job.processed / Math.max(1e-3, elapsedSeconds(job.startedAt, job.finishedAt)!) : null;
  const eta = running ? (job.etaSeconds ?? (rate ? (job.total - job.processed) / rate : null)) : 0;

  async function cancel() {
    setCancelling(true);
    try {
      await request(CANCEL_BULK_SCAN, { id });
    } catch (error) {
      reportError(error as ApiError);
    } finally {
      setCancelling(false);
    }
  }
  async function download() {
    try {
      await downloadCsv(id);
    } catch (error) {
      reportError(error as ApiError);
    }
  }

  return html`
    <section class="card job" data-testid="live-job" data-status=${job.status}>
      <div class="card-head">
        <h2>Job <code title=${job.id}>${job.id.slice(0, 8)}</code> <span class=${`status st-${job.status}`} data-testid="job-status">${STATUS_TEXT[job.status]}</span></h2>
        <span class=${`conn conn-${connection}`} data-testid="connection">${connection === 'live' ? 'live' : connection === 'reconnecting' ? 'reconnecting…' : connection === 'connecting' ? 'connecting…' : ''}</span>
        <div class="actions">
          ${running ? html`<button type="button" class="danger" disabled=${cancelling} onClick=${cancel}>${cancelling ? 'Cancelling…' : 'Cancel job'}</button>` : ''}
          <button type="button" class="primary" disabled=${running} title=${running ? 'Available when the job has finished' : 'Results as CSV'} onClick=${download}>Download CSV</button>
        </div>
      </div>
      ${notice && notice.jobId === id && (notice.rejected.length > 0 || notice.duplicates > 0)
        ? html`<div class="notice" data-testid="rejected">
            ${notice.total} queued${notice.duplicates ? `, ${notice.duplicates} duplicate${notice.duplicates === 1 ? '' : 's'} dropped` : ''}${notice.rejected.length ? `, ${notice.rejected.length} rejected:` : '.'}
            ${notice.rejected.length ? html`<ul>${notice.rejected.slice(0, 20).map((r) => html`<li><code>${r.input}</code> ${r.error}</li>`)}${notice.rejected.length > 20 ? html`<li>… and ${notice.rejected.length - 20} more</li>` : ''}</ul>` : ''}
          </div>`
        : ''}
      ${problem && connection !== 'live' ? html`<div class="notice error">${problem.message}</div>` : ''}
      <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${job.progress}>
        <div class=${`bar st-${job.status}`} style=${{ width: `${job.progress}%` }}></div>
        <span data-testid="progress-text">${job.progress}%</span>
      </div>
      <dl class="counters">
        <div><dt>Processed</dt><dd data-testid="processed">${job.processed} <small>/ ${job.total}</small></dd></div>
        <div><dt>Succeeded</dt><dd class="good" data-testid="succeeded">${job.succeeded}</dd></div>
        <div><dt>Failed</dt><dd class=${job.failed ? 'bad' : ''} data-testid="failed">${job.failed}</dd></div>
        <div><dt>Rate</dt><dd data-testid="rate">${formatRate(rate)}</dd></div>
        <div><dt>${running ? 'ETA' : 'Took'}</dt><dd data-testid="eta">${running ? formatDuration(eta) : formatDuration(elapsedSeconds(job.startedAt ?? job.createdAt, job.finishedAt))}</dd></div>
        <div><dt>Started</dt><dd class="small">${formatDate(job.startedAt ?? job.createdAt)}</dd></div>
      </dl>
      ${job.error ? html`<div class="notice error">${job.error.code}: ${job.error.message}</div>` : ''}
      ${errors.length > 0
        ? html`<details class="errors" open data-testid="errors">
            <summary>${errors.length} failed domain${errors.length === 1 ? '' : 's'}</summary>
            <div class="errors-scroll"><table><thead><tr><th>Domain</th><th>Code</th><th>Message</th><th class="num">Attempts</th></tr></thead>
              <tbody>${errors.slice(-200).reverse().map((e) => html`<tr><td>${e.domain}</td><td><span class=${`code c-${e.category}`}>${e.code}</span></td><td>${e.message}</td><td class="num">${e.attempts}</td></tr>`)}</tbody>
            </table></div>
          </details>`
        : ''}
    </section>
    <section class="card">
      <div class="card-head"><h2>Results <small data-testid="results-count">${shownLeads.length === leads.length ? leads.length : `${shownLeads.length} of ${leads.length}`}</small></h2></div>
      <${FilterBar} value=${filter} onChange=${setFilter} tags=${tags}
        extra=${html`<label>Search <input name="text" type="search" placeholder="domain or MX" value=${filter.text} onInput=${(e: Event) => setFilter({ ...filter, text: (e.currentTarget as HTMLInputElement).value })} /></label>`} />
      <${LeadsTable} leads=${shownLeads} sort=${sort} onSort=${setSort} empty=${leads.length ? 'No result matches these filters.' : running ? 'Results appear here as domains finish.' : 'No results.'} />
    </section>`;
}
