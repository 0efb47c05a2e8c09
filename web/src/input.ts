/**
 * Pasted text or an uploaded CSV -> the list of entries to send to `startBulkScan` (the server
 * normalises URLs and e-mail addresses and reports what it rejects). Pure.
 */
import { parse } from 'csv-parse/browser/esm/sync';

const DOMAIN_HEADERS = /^(domain|domains|domain name|website|web site|web|site|url|homepage|email|e-mail|mail)$/;

export function entriesFromText(text: string): string[] {
  const rows = parse(text, {
    delimiter: [',', ';', '\t'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  }) as string[][];
  if (rows.length === 0) return [];
  const header = rows[0].map((cell) => cell.toLowerCase());
  let column = header.findIndex((cell) => DOMAIN_HEADERS.test(cell));
  let body = rows;
  if (column >= 0) body = rows.slice(1);
  else {
    column = 0;
    // a header row that names no known column: skip it when its first cell cannot be a domain
    if (rows.length > 1 && !rows[0][0]?.includes('.') && !rows[0][0]?.includes('@')) body = rows.slice(1);
  }
  const entries: string[] = [];
  for (const row of body) {
    const cell = row[column]?.trim();
    if (!cell) continue;
    // "a.com b.com" on one line of a text area: each word is an entry
    for (const word of cell.split(/\s+/)) if (word) entries.push(word);
  }
  return entries;
}
