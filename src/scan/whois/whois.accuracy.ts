/**
 * Field accuracy of a WHOIS parser over the likexian/whois-parser corpus (`noterror/<tld>_<domain>`
 * raw replies with `<same>.json` expected parses). Used by `whois.accuracy.test.ts`; reusable to
 * compare parsers (pass another `parse`).
 *
 * Unusual scope for `src/`: `loadLikexianSamples` reads files. Everything else is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedRegistration } from './whois.parse.js';

/** The facts a sample's expected file states; null where it states nothing usable. */
export interface ExpectedRegistration {
  registrar: string | null;
  created_at: string | null;
  expires_at: string | null;
  nameservers: string[] | null;
}

/** One corpus reply with its expected parse. */
export interface AccuracySample {
  /** File name, `<tld>_<domain>`. */
  name: string;
  domain: string;
  raw: string;
  expected: ExpectedRegistration;
}

export type AccuracyField = keyof ExpectedRegistration;
export const ACCURACY_FIELDS: readonly AccuracyField[] = ['registrar', 'created_at', 'expires_at', 'nameservers'];

/** A sample the parser got wrong on one field. */
export interface AccuracyMiss {
  sample: string;
  expected: string;
  actual: string;
}

/** Accuracy on one field, over the samples whose expected file states that field. */
export interface FieldAccuracy {
  correct: number;
  total: number;
  /** Percentage, 0..100 (100 when `total` is 0). */
  percent: number;
  misses: AccuracyMiss[];
}

export type AccuracyResult = Record<AccuracyField, FieldAccuracy>;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: string, month: string | number, day: string): string {
  return `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * The calendar date an expected value states, as a human reads it: the date as written, time
 * and zone ignored (`1997-09-15T00:00:00-0700` is the 15th). Written independently of the
 * parser's date reader on purpose, for the forms the corpus holds: `2016.09.19 13:00:00`,
 * `2012. 05. 19.`, `19961206 #24302`, `22-Oct-2017`, `31 May 1999`, `30.6.2006` and
 * `11-07-2017` (day first), `12/18/2001` (.tk, month first). `before 1 January 1996` is a
 * bound, not a date: null, so the sample is not counted.
 */
export function normalizeExpectedDate(value: unknown): string | null {
  if (typeof value !== 'string' || /^\s*before\b/i.test(value)) return null;
  let m = /^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})/.exec(value);
  if (m) return isoDate(m[1], m[2], m[3]);
  m = /^(\d{4})(\d{2})(\d{2})\b/.exec(value);
  if (m) return isoDate(m[1], m[2], m[3]);
  m = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{4})/.exec(value);
  if (m) return isoDate(m[3], MONTHS.indexOf(m[2].toLowerCase()) + 1, m[1]);
  m = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})/.exec(value);
  if (m) return isoDate(m[3], m[2], m[1]);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(value);
  if (m) return isoDate(m[3], m[1], m[2]);
  return null;
}

/**
 * A registrar name for comparison: Nominet's `[Tag = X]` and KISA's `(http://...)` link are
 * decorations, not part of the name (the parser drops them, as does the project's own fixture
 * set, `dns-cases.json`: `OVH sas` for `OVH sas [Tag = OVH]`).
 */
export function normalizeExpectedRegistrar(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value
    .replace(/\[\s*tag\s*=[^\]]*\]/i, '')
    .replace(/\(\s*https?:\/\/[^)]*\)\s*$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name === '' ? null : name;
}

function normalizeExpectedNameservers(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const hosts = value
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim().toLowerCase().replace(/\.$/, ''))
    .filter((v) => v !== '');
  return hosts.length > 0 ? [...new Set(hosts)].sort() : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** The expected facts of a likexian `.json` file. */
export function expectedFromLikexian(json: unknown): ExpectedRegistration {
  const domain = record(record(json).domain);
  return {
    registrar: normalizeExpectedRegistrar(record(record(json).registrar).name),
    created_at: normalizeExpectedDate(domain.created_date),
    expires_at: normalizeExpectedDate(domain.expiration_date),
    nameservers: normalizeExpectedNameservers(domain.name_servers),
  };
}

/** Reads every `<tld>_<domain>` reply that has a `.json` expectation (`.pre` files are skipped). */
export function loadLikexianSamples(dir: string): AccuracySample[] {
  const files = new Set(readdirSync(dir));
  return [...files]
    .filter((file) => !file.endsWith('.json') && !file.endsWith('.pre') && files.has(`${file}.json`))
    .sort()
    .map((name) => ({
      name,
      domain: name.slice(name.indexOf('_') + 1),
      raw: readFileSync(path.join(dir, name), 'utf8'),
      expected: expectedFromLikexian(JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'))),
    }));
}

function show(value: string | string[] | null): string {
  return Array.isArray(value) ? value.join(' ') : String(value);
}

function same(expected: string | string[], actual: string | string[] | null): boolean {
  return show(expected) === show(actual);
}

/**
 * Per-field accuracy of `parse` over `samples`, counting for each field only the samples whose
 * expected file states it.
 */
export function measureWhoisAccuracy(
  samples: readonly AccuracySample[],
  parse: (domain: string, raw: string) => ParsedRegistration,
): AccuracyResult {
  const result = Object.fromEntries(
    ACCURACY_FIELDS.map((field) => [field, { correct: 0, total: 0, percent: 100, misses: [] }]),
  ) as unknown as AccuracyResult;

  for (const sample of samples) {
    const actual = parse(sample.domain, sample.raw);
    for (const field of ACCURACY_FIELDS) {
      const expected = sample.expected[field];
      if (expected === null) continue;
      const stats = result[field];
      stats.total += 1;
      if (same(expected, actual[field])) stats.correct += 1;
      else stats.misses.push({ sample: sample.name, expected: show(expected), actual: show(actual[field]) });
    }
  }
  for (const field of ACCURACY_FIELDS) {
    const stats = result[field];
    stats.percent = stats.total === 0 ? 100 : (100 * stats.correct) / stats.total;
  }
  return result;
}

/** A plain-text table of the per-field figures. */
export function formatAccuracyTable(result: AccuracyResult): string {
  const rows = ACCURACY_FIELDS.map((field) => {
    const { correct, total, percent } = result[field];
    return `${field.padEnd(12)} ${percent.toFixed(1).padStart(6)}%  ${String(correct).padStart(4)} / ${total}`;
  });
  return ['field        accuracy  correct / n', ...rows].join('\n');
}
