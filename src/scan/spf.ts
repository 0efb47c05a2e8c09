/**
 * SPF (RFC 7208): pick the SPF record out of a domain's TXT answer and parse the parts that
 * classification and scoring use. Pure: no DNS here.
 */
import type { SpfRecord } from './scan.types.js';

/** RFC 7208 section 4.5: `v=spf1` followed by a space or the end of the record. */
const SPF_VERSION = /^v=spf1(?: |$)/i;

/**
 * Select the SPF records from a TXT answer.
 *
 * @param txt - TXT records, each one an array of its character-strings.
 * @returns every SPF record (strings of one record joined without separator, RFC 7208
 *   section 3.3), in answer order. More than one is the `spf_multiple_records` condition;
 *   deciding what to do about it is the caller's job.
 */
export function pickSpfRecords(txt: string[][]): string[] {
  return txt.map((strings) => strings.join('')).filter((record) => SPF_VERSION.test(record));
}

const QUALIFIERS = new Set(['+', '-', '~', '?']);

/**
 * Parse an SPF record: `include:` targets, the `redirect=` modifier and the `all` qualifier.
 *
 * Tolerant: unknown or malformed terms are skipped, never thrown on.
 *
 * @param raw - the record text, e.g. `v=spf1 include:_spf.google.com ~all`.
 * @returns `includes` lowercased without trailing dot, in record order (also those after
 *   `all`, which an evaluator would never reach: they still say who the domain sends through);
 *   `redirect` is the first `redirect=` target or null; `all` is the qualifier of the first
 *   `all` term (`+` when written bare) or null.
 */
export function parseSpf(raw: string): SpfRecord {
  const includes: string[] = [];
  let redirect: string | null = null;
  let all: SpfRecord['all'] = null;

  // The first term is the version; terms are separated by one or more spaces (RFC 7208
  // section 12), tabs and other whitespace are tolerated.
  const terms = raw.trim().split(/\s+/).slice(1);
  for (const term of terms) {
    const lower = term.toLowerCase();
    if (lower.startsWith('redirect=')) {
      const target = normalizeTarget(term.slice('redirect='.length));
      // RFC 7208 section 6: a second redirect is a permerror; keep the first, tolerate the rest.
      if (target && redirect === null) redirect = target;
      continue;
    }
    const qualifier = QUALIFIERS.has(lower[0] ?? '') ? lower[0] : null;
    const mechanism = qualifier ? lower.slice(1) : lower;
    if (mechanism.startsWith('include:')) {
      const target = normalizeTarget(term.slice((qualifier ? 1 : 0) + 'include:'.length));
      if (target) includes.push(target);
    } else if (mechanism === 'all' && all === null) {
      all = (qualifier ?? '+') as NonNullable<SpfRecord['all']>;
    }
  }

  return { raw, includes, redirect, all };
}

function normalizeTarget(target: string): string {
  return target.trim().toLowerCase().replace(/\.+$/, '');
}
