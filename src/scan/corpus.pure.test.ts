/**
 * The whole-scan corpus (`test/fixtures/dns-cases.json`) run through the pure core only:
 * inputs are read straight from each case's zone data (no resolver), and classification and
 * scoring must produce the case's `expect`. Cases that expect a failed scan are DNS-error
 * cases and belong to the resolver's tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyProvider, sortMx } from './classify.js';
import { parseDmarc, pickDmarcRecord } from './dmarc.js';
import { scoreLead } from './score.js';
import { parseSpf, pickSpfRecords } from './spf.js';
import type { DmarcPolicy, MxRecord, Provider, Segment, TenantSize } from './scan.types.js';

interface ZoneNode {
  MX?: [number, string][];
  TXT?: string[][];
  CNAME?: string;
}

interface CorpusCase {
  kind: string;
  domain: string;
  zone: Record<string, ZoneNode>;
  expect: Expected | { failed: true };
}

interface Expected {
  provider: Provider;
  mail_gateway: string | null;
  mx_root: string | null;
  tenant_size?: TenantSize | null;
  local_provider: string | null;
  spf: boolean;
  dkim: boolean;
  dmarc_policy: DmarcPolicy | null;
  dmarc_coverage: number | null;
  score: number;
  segment: Segment;
  priority_score: number;
  expires_at: string | null;
}

const NOW = new Date('2026-11-28T12:00:00Z');
const DKIM_SELECTORS = ['selector1', 'selector2', 'google', 'default', 'k1'];

const corpus = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/dns-cases.json'), 'utf8'),
) as { cases: CorpusCase[] };

const scanned = corpus.cases.filter(
  (c): c is CorpusCase & { expect: Expected } => !('failed' in c.expect),
);

function hasDkim(zone: Record<string, ZoneNode>, domain: string): boolean {
  return DKIM_SELECTORS.some((selector) => {
    let owner = `${selector}._domainkey.${domain}`;
    // Follow a CNAME chain (bounded, as a resolver would be).
    for (let hops = 0; hops < 8 && zone[owner]?.CNAME; hops++) {
      owner = zone[owner].CNAME!.toLowerCase().replace(/\.$/, '');
    }
    return (zone[owner]?.TXT ?? []).some((strings) => /v=DKIM1|p=/.test(strings.join('')));
  });
}

function scanFromZone(c: CorpusCase) {
  const apex = c.zone[c.domain] ?? {};
  const mx: MxRecord[] = (apex.MX ?? []).map(([preference, host]) => ({
    preference,
    host: host.toLowerCase().replace(/\.$/, ''),
  }));
  const spfRaw = pickSpfRecords(apex.TXT ?? [])[0];
  const spf = spfRaw === undefined ? null : parseSpf(spfRaw);
  const dmarcRaw = pickDmarcRecord(c.zone[`_dmarc.${c.domain}`]?.TXT ?? []);
  const dmarc = dmarcRaw === null ? null : parseDmarc(dmarcRaw);
  const dkim = hasDkim(c.zone, c.domain);
  const classification = classifyProvider(mx, spf?.includes ?? []);
  const score = scoreLead({
    provider: classification.provider,
    mailGateway: classification.mail_gateway,
    hasMx: sortMx(mx).length > 0,
    spf,
    dkim,
    dmarc,
    expiresAt: (c.expect as Expected).expires_at,
    now: NOW,
  });
  return { classification, score, spf, dkim, dmarc };
}

describe('dns-cases corpus, pure core', () => {
  it('has the cases this suite expects', () => {
    expect(scanned.length).toBeGreaterThanOrEqual(60);
  });

  it.each(scanned.map((c) => [`${c.kind} ${c.domain}`, c] as const))('%s', (_, c) => {
    const { classification, score, spf, dkim, dmarc } = scanFromZone(c);
    const e = c.expect;
    const actual = {
      provider: classification.provider,
      mail_gateway: classification.mail_gateway,
      mx_root: classification.mx_root,
      local_provider: classification.local_provider,
      spf: spf !== null,
      dkim,
      dmarc_policy: dmarc?.policy ?? null,
      dmarc_coverage: dmarc?.coverage ?? null,
      score: score.score,
      segment: score.segment,
      priority_score: score.priority_score,
      ...('tenant_size' in e ? { tenant_size: classification.tenant_size } : {}),
    };
    const expected = {
      provider: e.provider,
      mail_gateway: e.mail_gateway,
      mx_root: e.mx_root,
      local_provider: e.local_provider,
      spf: e.spf,
      dkim: e.dkim,
      dmarc_policy: e.dmarc_policy,
      dmarc_coverage: e.dmarc_coverage,
      score: e.score,
      segment: e.segment,
      priority_score: e.priority_score,
      ...('tenant_size' in e ? { tenant_size: e.tenant_size } : {}),
    };
    expect(actual).toEqual(expected);
  });
});
