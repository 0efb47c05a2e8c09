/** The leads table (sortable headers, first N rows with "show more") and its filter bar. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useShell } from './context.js';
import { formatShortDate } from './format.js';
import { PRIORITIES, PROVIDERS, SEGMENTS, type Lead } from './operations.js';
import type { LeadFilterState, SortKey, SortState } from './table-state.js';

const COLUMNS: { key: SortKey | null; label: string; numeric?: boolean }[] = [
  { key: 'domain', label: 'Domain' },
  { key: 'provider', label: 'Provider' },
  { key: 'segment', label: 'Segment' },
  { key: 'priorityCategory', label: 'Priority' },
  { key: 'score', label: 'Score', numeric: true },
  { key: null, label: 'Tags' },
  { key: null, label: 'Mail setup' },
  { key: 'scannedAt', label: 'Scanned' },
];

const PAGE = 200;

export function LeadsTable({ leads, sort, onSort, empty }: { leads: Lead[]; sort?: SortState; onSort?: (s: SortState) => void; empty: string }) {
  const { openLead } = useShell();
  const [shown, setShown] = useState(PAGE);
  if (leads.length === 0) return html`<p class="empty">${empty}</p>`;
  const header = (c: (typeof COLUMNS)[number]) => {
    if (!c.key || !onSort || !sort) return html`<th class=${c.numeric ? 'num' : ''}>${c.label}</th>`;
    const active = sort.key === c.key;
    const next = () => onSort({ key: c.key!, descending: active ? !sort.descending : c.key === 'score' });
    return html`<th class=${`${c.numeric ? 'num ' : ''}sortable${active ? ' active' : ''}`} aria-sort=${active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick=${next}>${c.label}<span class="arrow">${active ? (sort.descending ? '▼' : '▲') : ''}</span></button>
    </th>`;
  };
  return html`
    <div class="table-wrap">
      <table class="leads" data-testid="leads-table">
        <thead><tr>${COLUMNS.map(header)}</tr></thead>
        <tbody>
          ${leads.slice(0, shown).map(
            (lead) => html`<tr key=${lead.domain} data-domain=${lead.domain}>
              <td><button type="button" class="link" title="History of this lead" onClick=${() => openLead(lead.domain)}>${lead.domain}</button></td>
              <td><span class=${`provider p-${lead.provider.toLowerCase()}`}>${lead.provider}</span>${lead.tenantSize ? html` <small>${lead.tenantSize}</small>` : ''}</td>
              <td><span class=${`segment s-${lead.segment.toLowerCase()}`}>${lead.segment}</span></td>
              <td class="prio-cell" title=${lead.priorityLabel}><span class=${`prio prio-${lead.priorityCategory.toLowerCase()}`}>${lead.priorityCategory}</span><small>${lead.priorityLabel}</small></td>
              <td class="num"><${ScoreBar} score=${lead.score} /></td>
              <td class="tags">${lead.tags.map((t) => html`<span class="tag">${t}</span>`)}</td>
              <td class="setup">
                <span class=${lead.spf ? 'ok' : 'no'}>SPF</span> <span class=${lead.dkim ? 'ok' : 'no'}>DKIM</span>
                <span class=${lead.dmarcPolicy ? 'ok' : 'no'}>DMARC${lead.dmarcPolicy ? `:${lead.dmarcPolicy}` : ''}</span>
                ${lead.mailGateway ? html`<small> via ${lead.mailGateway}</small>` : ''}
                ${lead.scanStatus !== 'completed' ? html` <span class="warn" title="WHOIS/RDAP failed: registration data missing">${lead.scanStatus}</span>` : ''}
              </td>
              <td class="when" title=${lead.scannedAt}>${formatShortDate(lead.scannedAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${leads.length > shown
      ? html`<p class="more"><button type="button" onClick=${() => setShown(shown + PAGE)}>Show ${Math.min(PAGE, leads.length - shown)} more</button> <span>${shown} of ${leads.length} shown</span></p>`
      : ''}
  `;
}

function ScoreBar({ score }: { score: number }) {
  return html`<span class="score"><span class="score-bar"><span style=${{ width: `${Math.max(0, Math.min(100, score))}%` }}></span></span><b>${score}</b></span>`;
}

export function FilterBar({ value, onChange, tags, extra }: { value: LeadFilterState; onChange: (f: LeadFilterState) => void; tags?: string[]; extra?: unknown }) {
  const set = (key: keyof LeadFilterState) => (event: Event) => onChange({ ...value, [key]: (event.currentTarget as HTMLInputElement).value });
  const select = (key: keyof LeadFilterState, label: string, options: string[]) => html`
    <label>${label}
      <select name=${key} value=${value[key]} onChange=${set(key)}>
        <option value="">any</option>
        ${options.map((o) => html`<option value=${o}>${o}</option>`)}
      </select>
    </label>`;
  const active = Object.values(value).some((v) => v !== '');
  return html`
    <div class="filters" role="search">
      ${select('provider', 'Provider', PROVIDERS)}
      ${select('segment', 'Segment', SEGMENTS)}
      ${select('priority', 'Priority', PRIORITIES)}
      ${tags
        ? select('tag', 'Tag', tags)
        : html`<label>Tag <input name="tag" value=${value.tag} placeholder="e.g. migration-ready" onChange=${set('tag')} /></label>`}
      <label>Min score <input name="minScore" type="number" min="0" max="100" value=${value.minScore} onInput=${set('minScore')} /></label>
      ${extra ?? ''}
      ${active ? html`<button type="button" class="ghost" onClick=${() => onChange(Object.fromEntries(Object.keys(value).map((k) => [k, ''])) as never)}>Clear</button>` : ''}
    </div>`;
}
