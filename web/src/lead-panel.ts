/** A lead's latest scan and its earlier scans (`lead(domain)`), in a side panel. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from './api.js';
import { formatDate } from './format.js';
import { LEAD_HISTORY, type Lead } from './operations.js';

interface Result {
  lead: { lead: Lead; history: Lead[] } | null;
}

export function LeadPanel({ domain, onClose }: { domain: string; onClose: () => void }) {
  const [data, setData] = useState<Result['lead'] | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setData(undefined);
    setProblem(null);
    request<Result>(LEAD_HISTORY, { domain })
      .then((r) => setData(r.lead))
      .catch((error: ApiError) => setProblem(error.message));
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [domain]);

  const lead = data?.lead;
  const row = (label: string, value: unknown) => html`<div><dt>${label}</dt><dd>${value === null || value === undefined || value === '' ? '–' : value}</dd></div>`;
  return html`
    <div class="overlay" onClick=${onClose}></div>
    <aside class="panel" role="dialog" aria-label=${`Lead ${domain}`} data-testid="lead-panel">
      <div class="card-head"><h2>${domain}</h2><button type="button" class="ghost" aria-label="Close" onClick=${onClose}>✕</button></div>
      ${problem ? html`<div class="notice error">${problem}</div>` : ''}
      ${data === undefined && !problem ? html`<p class="empty">Loading…</p>` : ''}
      ${data === null ? html`<p class="empty">Not stored yet: it is saved when its scan finishes.</p>` : ''}
      ${lead
        ? html`
          <p class="reason">${lead.reason}</p>
          <dl class="facts">
            ${row('Provider', `${lead.provider} (${lead.providerConfidence})`)}${row('Segment', lead.segment)}
            ${row('Priority', `${lead.priorityCategory} · ${lead.priorityLabel}`)}${row('Score', lead.score)}
            ${row('MX', lead.mxRoot)}${row('Gateway', lead.mailGateway)}
            ${row('DMARC', lead.dmarcPolicy)}${row('Registrar', lead.registrar)}
            ${row('Registered', lead.createdAt)}${row('Expires', lead.expiresAt)}
            ${row('Nameservers', lead.nameservers?.join(', '))}${row('Source', lead.whoisSource)}
            ${row('Tags', lead.tags.join(', '))}${row('Scanned', formatDate(lead.scannedAt))}
          </dl>
          <h3>History <small>${data!.history.length} earlier scan${data!.history.length === 1 ? '' : 's'}</small></h3>
          ${data!.history.length === 0
            ? html`<p class="empty">No earlier scan.</p>`
            : html`<table class="history" data-testid="lead-history"><thead><tr><th>Scanned</th><th>Provider</th><th>Segment</th><th>Priority</th><th class="num">Score</th></tr></thead>
                <tbody>${data!.history.map((h) => html`<tr><td class="when">${formatDate(h.scannedAt)}</td><td>${h.provider}</td><td>${h.segment}</td><td>${h.priorityCategory}</td><td class="num">${h.score}</td></tr>`)}</tbody></table>`}`
        : ''}
    </aside>`;
}
