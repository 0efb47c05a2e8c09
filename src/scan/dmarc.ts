/**
 * DMARC (RFC 7489): pick the DMARC record out of the `_dmarc.<domain>` TXT answer and parse
 * its tags. Pure: no DNS here.
 */
import type { DmarcPolicy, DmarcRecord } from './scan.types.js';

/**
 * RFC 7489 section 6.4: `dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31`.
 * The tag name is case-insensitive, the value `DMARC1` is not, and it must be the first tag.
 */
const DMARC_VERSION = /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/;

const POLICIES: ReadonlySet<string> = new Set<DmarcPolicy>(['none', 'quarantine', 'reject']);

/** `pct` when the record has none (RFC 7489 section 6.3). */
const DEFAULT_COVERAGE = 100;

/**
 * Select the DMARC record from a TXT answer.
 *
 * @param txt - TXT records, each one an array of its character-strings (joined without
 *   separator).
 * @returns the one record that starts with `v=DMARC1`; null when there is none, and also when
 *   there are several, because RFC 7489 section 6.6.3 says a receiver then applies no DMARC.
 */
export function pickDmarcRecord(txt: string[][]): string | null {
  const records = txt.map((strings) => strings.join('')).filter((r) => DMARC_VERSION.test(r));
  return records.length === 1 ? records[0] : null;
}

/**
 * Parse a DMARC record into its tags, policy and coverage.
 *
 * @param raw - the record text, e.g. `v=DMARC1; p=reject; pct=50`.
 * @returns `tags`: tag names lowercased, values trimmed (first occurrence wins, parts without
 *   `=` skipped); `policy`: the `p` tag only (never `sp`), lowercased, null when absent or
 *   not none|quarantine|reject; `coverage`: `pct` clamped to 0..100, 100 when absent or not
 *   an integer.
 */
export function parseDmarc(raw: string): DmarcRecord {
  const pairs = new Map<string, string>();
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const tag = part.slice(0, eq).trim().toLowerCase();
    if (!tag || pairs.has(tag)) continue;
    pairs.set(tag, part.slice(eq + 1).trim());
  }

  const p = pairs.get('p')?.toLowerCase() ?? '';
  const policy = POLICIES.has(p) ? (p as DmarcPolicy) : null;

  // fromEntries defines own properties, so a `__proto__` tag cannot touch the prototype.
  return { raw, policy, coverage: parseCoverage(pairs.get('pct')), tags: Object.fromEntries(pairs) };
}

function parseCoverage(pct: string | undefined): number {
  if (pct === undefined || !/^[+-]?\d+$/.test(pct)) return DEFAULT_COVERAGE;
  return Math.min(100, Math.max(0, Number(pct)));
}
