/**
 * The CLI's input: a CSV with a domain, website or email column, or one domain a line. Pure:
 * text in, the entries out (the server normalises URLs and addresses and reports bad ones).
 */
import { parse } from 'csv-parse/sync';

export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** Header names, by preference: a domain column first, then a website, then an e-mail address. */
const COLUMN_PREFERENCE: RegExp[] = [/^(domain|domains|domain[ _-]?name|company[ _-]?domain)$/, /^(website|web[ _-]?site|url|site|homepage)$/, /^(e-?mail|email[ _-]?address|mail)$/];

export interface ParsedInput {
  entries: string[];
  /** `csv column "website"` or `one per line`. */
  source: string;
}

function detectDelimiter(header: string): string | null {
  for (const d of [',', ';', '\t']) if (header.includes(d)) return d;
  return null;
}

/** Parse the text of an input file into the entries to scan. Throws InputFileError. */
export function parseDomainInput(text: string): ParsedInput {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const delimiter = detectDelimiter(firstLine);
  const headerCells = (delimiter ? firstLine.split(delimiter) : [firstLine]).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const columnIndex = (() => {
    for (const pattern of COLUMN_PREFERENCE) {
      const i = headerCells.findIndex((c) => pattern.test(c));
      if (i >= 0) return i;
    }
    return -1;
  })();

  if (columnIndex >= 0) {
    let rows: string[][];
    try {
      rows = parse(body, { delimiter: delimiter ?? ',', relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
    } catch (error) {
      throw new InputFileError(`not a valid CSV: ${(error as Error).message}`);
    }
    const entries = rows.slice(1).map((r) => (r[columnIndex] ?? '').trim()).filter((v) => v !== '');
    if (entries.length === 0) throw new InputFileError(`the CSV column "${headerCells[columnIndex]}" is empty`);
    return { entries, source: `csv column "${headerCells[columnIndex]}"` };
  }
  if (delimiter && delimiter !== ';' && firstLine.split(delimiter).length > 1 && !/^[^\s,;]+\.[^\s,;]+$/.test(firstLine.split(delimiter)[0].trim())) {
    throw new InputFileError(`the CSV has no domain, website or email column (columns: ${headerCells.join(', ')})`);
  }
  const entries = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (entries.length === 0) throw new InputFileError('no domains in the input (expected a CSV with a domain, website or email column, or one domain a line)');
  return { entries, source: 'one per line' };
}
