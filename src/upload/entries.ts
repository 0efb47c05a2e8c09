/**
 * Streaming bulk lists: a request body (bytes as they arrive) -> raw entries, one at a time,
 * for the bulk service to normalise. Pure stream transforms: nothing here holds more than the
 * current chunk and line/row, whatever the size of the upload.
 *
 * - `text/plain`: one entry per line.
 * - `application/x-ndjson`: one JSON value per line: a string, or an object whose `domain`,
 *   `website`, `url` or `email` field is the entry.
 * - `text/csv`: the column whose header is `domain`, `website`, `url` or `email` (any case), or
 *   else the first column (then the first row is data).
 * - `multipart/form-data`: the first file field, parsed by its type or name as one of the above.
 */
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { parse as parseCsv } from 'csv-parse';

export type ByteSource = AsyncIterable<Uint8Array | string>;

/** An entry that could not be read at all (e.g. a line that is not JSON); rejected with this reason. */
export class UnreadableEntry {
  constructor(
    readonly input: string,
    readonly error: string,
  ) {}
}

export type RawEntry = string | UnreadableEntry | unknown;

export const STREAM_FORMATS = ['text', 'ndjson', 'csv', 'multipart'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

/** The streaming format of a content type, or null for one that is not streamed (JSON). */
export function streamFormatOf(contentType: string | undefined | null): StreamFormat | null {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type === 'text/plain') return 'text';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'text/csv') return 'csv';
  if (type === 'multipart/form-data') return 'multipart';
  return null;
}

const ENTRY_FIELDS = ['domain', 'website', 'url', 'email'];

/**
 * Longest line (and CSV record) read, in characters: no valid entry comes near it, and a body
 * with no newline at all must not grow one string until the heap gives out (streamed doors are
 * exempt from the byte cap). A longer line is cut here (the entry is then rejected as invalid)
 * and the rest of it, up to its newline, is skipped.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/** Lines of a byte stream (\n or \r\n), the last one without its newline; blank lines skipped. */
export async function* lines(source: ByteSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let first = true;
  // the tail of an over-long line is being skipped, up to its newline
  let skipping = false;
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && rest.length) {
      if (rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
      first = false;
    }
    let nl = rest.indexOf('\n');
    let from = 0;
    while (nl >= 0) {
      const line = rest.slice(from, nl).replace(/\r$/, '');
      if (skipping) skipping = false;
      else if (line.trim()) yield line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line;
      from = nl + 1;
      nl = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
    if (rest.length > MAX_LINE_CHARS) {
      if (!skipping) yield rest.slice(0, MAX_LINE_CHARS);
      skipping = true;
      rest = '';
    }
  }
  rest += decoder.decode();
  if (!skipping && rest.trim()) yield rest.replace(/\r$/, '').slice(0, MAX_LINE_CHARS);
}

export async function* textEntries(source: ByteSource): AsyncGenerator<RawEntry> {
  for await (const line of lines(source)) yield line.trim();
}

export async function* ndjsonEntries(source: ByteSource): AsyncGenerator<RawEntry> {
  for await (const line of lines(source)) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield new UnreadableEntry(line.slice(0, 200), 'invalid_json: not a JSON value');
      continue;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const key = Object.keys(record).find((k) => ENTRY_FIELDS.includes(k.toLowerCase()));
      yield key === undefined ? new UnreadableEntry(line.slice(0, 200), `invalid_entry: no ${ENTRY_FIELDS.join('/')} field`) : record[key];
    } else {
      yield value;
    }
  }
}

export async function* csvEntries(source: ByteSource): AsyncGenerator<RawEntry> {
  const parser = parseCsv({ bom: true, max_record_size: MAX_LINE_CHARS, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true });
  const input = Readable.from(source);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let column = -1;
  for await (const row of parser as AsyncIterable<string[]>) {
    if (column < 0) {
      const header = row.findIndex((cell) => ENTRY_FIELDS.includes(cell.toLowerCase()));
      column = header >= 0 ? header : 0;
      if (header >= 0) continue;
    }
    const cell = row[column];
    if (cell !== undefined && cell !== '') yield cell;
  }
}

/** The entries of an uploaded file, parsed by its type or else its name (CSV, NDJSON, else one per line). */
export function entriesOfFile(source: ByteSource, mimeType: string, filename: string): AsyncGenerator<RawEntry> {
  const format = streamFormatOf(mimeType);
  if (format === 'csv' || /\.csv$/i.test(filename)) return csvEntries(source);
  if (format === 'ndjson' || /\.(nd)?jsonl?$/i.test(filename)) return ndjsonEntries(source);
  return textEntries(source);
}

/** The entries of the first file field of a multipart body (busboy; the file streams through). */
export async function* multipartEntries(source: ByteSource, contentType: string): AsyncGenerator<RawEntry> {
  const parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1 } });
  const file = await new Promise<{ stream: Readable; mimeType: string; filename: string }>((resolve, reject) => {
    parser.on('file', (_name, stream, info) => resolve({ stream, mimeType: info.mimeType, filename: info.filename ?? '' }));
    parser.on('error', reject);
    parser.on('finish', () => reject(new MissingFileError()));
    const input = Readable.from(source);
    input.on('error', (error) => parser.destroy(error));
    input.pipe(parser);
  });
  const failed = new Promise<never>((_resolve, reject) => parser.on('error', reject));
  failed.catch(() => {});
  file.stream.on('error', () => {});
  parser.on('error', (error) => file.stream.destroy(error as Error));
  yield* entriesOfFile(file.stream, file.mimeType, file.filename);
}

export class MissingFileError extends Error {
  constructor() {
    super('the multipart body has no file field');
    this.name = 'MissingFileError';
  }
}

/** The raw entries of a streamed body of `format`. */
export function entriesOf(format: StreamFormat, source: ByteSource, contentType: string): AsyncGenerator<RawEntry> {
  switch (format) {
    case 'text':
      return textEntries(source);
    case 'ndjson':
      return ndjsonEntries(source);
    case 'csv':
      return csvEntries(source);
    case 'multipart':
      return multipartEntries(source, contentType);
  }
}
