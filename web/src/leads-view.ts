/** "Leads": the stored leads (`leads`), best score first, with the server-side filters. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from './api.js';
import { useShell } from './context.js';
import { FilterBar, LeadsTable } from './leads-table.js';
import { LEADS, type Lead } from './operations.js';
import { EMPTY_FILTER, type LeadFilterState } from './table-state.js';

interface Page {
  leads: { items: Lead[]; endCursor: string | null; hasNextPage: boolean };
}

/** The form's state -> the `LeadFilter` input (empty fields left out). */
export function toLeadFilter(f: LeadFilterState & { since: string }): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (f.provider) filter.provider = f.provider;
  if (f.segment) filter.segment = f.segment;
  if (f.priority) filter.priorityCategory = f.priority;
  if (f.tag.trim()) filter.tag = f.tag.trim();
  if (f.minScore !== '' && Number.isFinite(Number(f.minScore))) filter.minScore = Math.trunc(Number(f.minScore));
  if (f.since) filter.scannedSince = f.since;
  return filter;
}

export function LeadsView() {
  const { reportError } = useShell();
  const [filter, setFilter] = useState({ ...EMPTY_FILTER, since: '' });
  const [leads, setLeads] = useState<Lead[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);

  async function load(after: string | null) {
    try {
      const data = await request<Page>(LEADS, { filter: toLeadFilter(filter), first: 100, after });
      setLeads((prev) => (after && prev ? [...prev, ...data.leads.items] : data.leads.items));
      setCursor(data.leads.endCursor);
      setMore(data.leads.hasNextPage);
    } catch (error) {
      reportError(error as ApiError);
      setLeads((prev) => prev ?? []);
    }
  }
  // typing in the number field should not send a query per key
  useEffect(() => {
    const t = setTimeout(() => void load(null), 250);
    return () => clearTimeout(t);
  }, [filter]);

  return html`
    <section class="card">
      <div class="card-head"><h2>Stored leads <small>${leads ? `${leads.length}${more ? '+' : ''}` : ''}</small></h2><span class="hint">Latest scan of every domain, best score first. Click a domain for its history.</span></div>
      <${FilterBar} value=${filter} onChange=${(f: LeadFilterState) => setFilter({ ...filter, ...f })}
        extra=${html`<label>Scanned since <input name="since" type="date" value=${filter.since} onChange=${(e: Event) => setFilter({ ...filter, since: (e.currentTarget as HTMLInputElement).value })} /></label>`} />
      ${leads === null ? html`<p class="empty">Loading…</p>` : html`<${LeadsTable} leads=${leads} empty="No stored lead matches." />`}
      ${more ? html`<p class="more"><button type="button" onClick=${() => load(cursor)}>Load more</button></p>` : ''}
    </section>`;
}
