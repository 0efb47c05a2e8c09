/** The CLI's results: leads as CSV (the REST CSV's columns), a JSON array, or NDJSON. Pure. */
import { cell } from '../rest/csv.js';
import { LEAD_FIELDS } from '../scan/scan.types.js';

export const OUTPUT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The GraphQL selection of every lead field (camelCase names of LEAD_FIELDS). */
export const LEAD_SELECTION = LEAD_FIELDS.map(camel).join(' ');

/** A GraphQL lead (camelCase) as the REST shape (snake_case, LEAD_FIELDS order). */
export function toRestLead(lead: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(LEAD_FIELDS.map((field) => [field, lead[camel(field)] ?? null]));
}

/** A writer of leads in one format: a head, one chunk per page of leads, a tail. */
export function createLeadFormatter(format: OutputFormat) {
  let first = true;
  return {
    head: () => (format === 'csv' ? `${LEAD_FIELDS.join(',')}\r\n` : format === 'json' ? '[' : ''),
    rows(leads: Record<string, unknown>[]): string {
      let out = '';
      for (const graphqlLead of leads) {
        const lead = toRestLead(graphqlLead);
        if (format === 'csv') out += `${LEAD_FIELDS.map((f) => cell(lead[f])).join(',')}\r\n`;
        else if (format === 'ndjson') out += `${JSON.stringify(lead)}\n`;
        else {
          out += `${first ? '\n' : ',\n'}  ${JSON.stringify(lead)}`;
          first = false;
        }
      }
      return out;
    },
    tail: () => (format === 'json' ? (first ? ']\n' : '\n]\n') : ''),
  };
}
