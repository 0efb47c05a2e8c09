/** Leads as CSV (RFC 4180): header row of the lead fields, list fields joined with `;`. Pure. */
import { LEAD_FIELDS, type Lead } from '../scan/scan.types.js';

/** One CSV cell: quoted when needed, a leading formula character neutralised. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  // a cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection)
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = `${LEAD_FIELDS.join(',')}\r\n`;

/** CSV rows (no header) of some leads, each line ending in CRLF. */
export function leadsToCsvRows(leads: readonly Lead[]): string {
  let out = '';
  for (const lead of leads) out += `${LEAD_FIELDS.map((field) => cell(lead[field])).join(',')}\r\n`;
  return out;
}
