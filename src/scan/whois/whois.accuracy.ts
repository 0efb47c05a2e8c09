/**
 * Field accuracy of a WHOIS parser over two corpora: likexian/whois-parser (`noterror/<tld>_<domain>`
 * raw replies with `<same>.json` expected parses) and the weppos/whois-parser dev half (whole-scan
 * cases, `cases.json` registered and `notfound.json` unregistered). Used by
 * `whois.accuracy.test.ts`; reusable to compare parsers (pass another `parse`).
 *
 * Unusual scope for `src/`: the `load*` functions read files. Everything else is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedRegistration } from './whois.parse.js';

/** The facts a sample's expected file states; null where it states nothing usable. */
export interface ExpectedRegistration {
  registrar: string | null;
  /**
   * Other spellings of the same registrar the expectation states: likexian keeps a registrar's
   * handle as `name` and its name as `organization` (.it `MARKMONITOR-REG` / `MarkMonitor
   * International Limited`, .ua); either is the registrar.
   */
  registrar_alternatives?: string[];
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

export type AccuracyField = Exclude<keyof ExpectedRegistration, 'registrar_alternatives'>;
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
 * A registrar name for comparison: Nominet's `[Tag = X]`, KISA's `(http://...)` link and a
 * registry's handle or IANA ID after the name (PIR's `MarkMonitor Inc. (R37-LROR)`, which one
 * weppos fixture keeps and its Afilias siblings drop) are decorations, not part of the name (the parser drops them, as does the project's own fixture
 * set, `dns-cases.json`: `OVH sas` for `OVH sas [Tag = OVH]`).
 */
export function normalizeExpectedRegistrar(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value
    .replace(/\[\s*tag\s*=[^\]]*\]/i, '')
    .replace(/\(\s*https?:\/\/[^)]*\)\s*$/i, '')
    .replace(/\s*\(\s*(?:\d+|[A-Z0-9]+(?:-[A-Z0-9]+)+)\s*\)\s*$/, '')
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
  const registrar = record(record(json).registrar);
  const organization = normalizeExpectedRegistrar(registrar.organization);
  return {
    registrar: normalizeExpectedRegistrar(registrar.name),
    ...(organization ? { registrar_alternatives: [organization] } : {}),
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

/** One weppos whole-scan case (`../dns/cases.json` format, kind `weppos`). */
interface WepposCase {
  domain: string;
  whois: { raw: string };
  expect: {
    registrar?: unknown;
    created_at?: unknown;
    expires_at?: unknown;
    nameservers?: unknown;
    not_registered?: boolean;
  };
  source: string;
}

/** A reply for a name that is not registered. */
export interface NotFoundSample {
  name: string;
  domain: string;
  raw: string;
}

function isoDay(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
}

function wepposName(source: string): string {
  return source.replace(/^.*spec\/fixtures\/responses\//, '');
}

function readWepposCases(file: string): WepposCase[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: WepposCase[] }).cases;
}

/**
 * The weppos dev half: `cases.json` (registered replies; `expect` states registrar,
 * `created_at`/`expires_at` as UTC days, name servers where the fixture asserts them) and
 * `notfound.json` (replies for unregistered names).
 */
export function loadWepposSamples(dir: string): { registered: AccuracySample[]; notFound: NotFoundSample[] } {
  const registered = readWepposCases(path.join(dir, 'cases.json')).map((c) => ({
    name: wepposName(c.source),
    domain: c.domain,
    raw: c.whois.raw,
    expected: {
      registrar: normalizeExpectedRegistrar(c.expect.registrar),
      created_at: isoDay(c.expect.created_at),
      expires_at: isoDay(c.expect.expires_at),
      nameservers: normalizeExpectedNameservers(c.expect.nameservers),
    },
  }));
  const notFound = readWepposCases(path.join(dir, 'notfound.json'))
    .filter((c) => c.expect.not_registered === true)
    .map((c) => ({ name: wepposName(c.source), domain: c.domain, raw: c.whois.raw }));
  return { registered, notFound };
}

/** Likexian's `notfound/` replies (the domain is in the file name, `<tld>_<domain>`). */
export function loadLikexianNotFound(dir: string): NotFoundSample[] {
  return readdirSync(dir)
    .filter((file) => !file.endsWith('.json') && !file.endsWith('.pre'))
    .sort()
    .map((name) => ({ name, domain: name.slice(name.indexOf('_') + 1), raw: readFileSync(path.join(dir, name), 'utf8') }));
}

/** How a classifier does on "not registered": detected replies, and registered ones it got wrong. */
export interface NotFoundAccuracy {
  detected: number;
  total: number;
  percent: number;
  missed: string[];
  /** Registered replies called not registered. */
  falseNotFound: string[];
  /** Registered replies called a rate-limit refusal. */
  falseThrottled: string[];
}

/** The verdicts a classifier can give a reply. */
export type ReplyVerdict = 'registered' | 'not_found' | 'throttled';

export function measureNotFound(
  notFound: readonly NotFoundSample[],
  registered: readonly { name: string; domain: string; raw: string }[],
  classify: (domain: string, raw: string) => ReplyVerdict,
): NotFoundAccuracy {
  const missed = notFound.filter((s) => classify(s.domain, s.raw) !== 'not_found').map((s) => s.name);
  const verdicts = registered.map((s) => ({ name: s.name, verdict: classify(s.domain, s.raw) }));
  const detected = notFound.length - missed.length;
  return {
    detected,
    total: notFound.length,
    percent: notFound.length === 0 ? 100 : (100 * detected) / notFound.length,
    missed,
    falseNotFound: verdicts.filter((v) => v.verdict === 'not_found').map((v) => v.name),
    falseThrottled: verdicts.filter((v) => v.verdict === 'throttled').map((v) => v.name),
  };
}

function show(value: string | string[] | null): string {
  return Array.isArray(value) ? value.join(' ') : String(value);
}

function same(expected: string | string[], actual: string | string[] | null): boolean {
  return show(expected) === show(actual);
}

/**
 * Registrar names compare without regard to letter case: `SAFENAMES LTD` (Verisign upper-cases
 * every name) is `Safenames Ltd`. Nothing else is forgiven.
 */
function sameRegistrar(expected: string, actual: string | string[] | null): boolean {
  return typeof actual === 'string' && expected.toLowerCase() === actual.toLowerCase();
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
      const right =
        field === 'registrar' && typeof expected === 'string'
          ? [expected, ...(sample.expected.registrar_alternatives ?? [])].some((name) => sameRegistrar(name, actual[field]))
          : same(expected, actual[field]);
      if (right) stats.correct += 1;
      else stats.misses.push({ sample: sample.name, expected: show(expected), actual: show(actual[field]) });
    }
  }
  for (const field of ACCURACY_FIELDS) {
    const stats = result[field];
    stats.percent = stats.total === 0 ? 100 : (100 * stats.correct) / stats.total;
  }
  return result;
}

/**
 * A plain-text table of the per-field figures, with a comparison parser's beside them when
 * given, and the not-found row when measured.
 */
export function formatAccuracyTable(
  result: AccuracyResult,
  comparison?: { name: string; result: AccuracyResult; notFound?: NotFoundAccuracy },
  notFound?: NotFoundAccuracy,
): string {
  const cell = (correct: number, total: number, percent: number): string =>
    `${percent.toFixed(1).padStart(6)}%  ${String(correct).padStart(4)} / ${String(total).padEnd(4)}`;
  const rows = ACCURACY_FIELDS.map((field) => {
    const { correct, total, percent } = result[field];
    const other = comparison ? `   ${cell(comparison.result[field].correct, comparison.result[field].total, comparison.result[field].percent)}` : '';
    return `${field.padEnd(14)} ${cell(correct, total, percent)}${other}`;
  });
  if (notFound) {
    const other = comparison?.notFound
      ? `   ${cell(comparison.notFound.detected, comparison.notFound.total, comparison.notFound.percent)}`
      : '';
    rows.push(`${'not found'.padEnd(14)} ${cell(notFound.detected, notFound.total, notFound.percent)}${other}`);
    const wrong = (n: NotFoundAccuracy): string => String(n.falseNotFound.length).padStart(13).padEnd(23);
    rows.push(`${'false "not reg."'.padEnd(14)} ${wrong(notFound)}${comparison?.notFound ? `   ${wrong(comparison.notFound)}` : ''}`);
  }
  const header = `field          ours                    ${comparison ? comparison.name : ''}`;
  return [header, ...rows].join('\n');
}
