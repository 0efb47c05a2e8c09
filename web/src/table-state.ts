/** Filtering and sorting of a results table (client side, for the leads of one job). Pure. */
import type { Lead } from './operations.js';

export interface LeadFilterState {
  provider: string;
  segment: string;
  priority: string;
  tag: string;
  minScore: string;
  text: string;
}

export const EMPTY_FILTER: LeadFilterState = { provider: '', segment: '', priority: '', tag: '', minScore: '', text: '' };

export type SortKey = 'domain' | 'provider' | 'segment' | 'priorityCategory' | 'score' | 'scannedAt';
export interface SortState {
  key: SortKey;
  descending: boolean;
}

export function filterLeads(leads: Lead[], f: LeadFilterState): Lead[] {
  const minScore = f.minScore === '' ? null : Number(f.minScore);
  const text = f.text.trim().toLowerCase();
  return leads.filter(
    (lead) =>
      (!f.provider || lead.provider === f.provider) &&
      (!f.segment || lead.segment === f.segment) &&
      (!f.priority || lead.priorityCategory === f.priority) &&
      (!f.tag || lead.tags.includes(f.tag)) &&
      (minScore === null || Number.isNaN(minScore) || lead.score >= minScore) &&
      (!text || lead.domain.includes(text) || (lead.mxRoot ?? '').includes(text)),
  );
}

export function sortLeads(leads: Lead[], { key, descending }: SortState): Lead[] {
  const sign = descending ? -1 : 1;
  return [...leads].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order * sign || b.score - a.score || a.domain.localeCompare(b.domain);
  });
}

export const tagsOf = (leads: Lead[]): string[] => [...new Set(leads.flatMap((l) => l.tags))].sort();
