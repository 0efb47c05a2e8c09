/** Pure parts of the old clients' services: score breakdown, rescan diff, company and CSV column resolution. */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PROVIDERS, type DmarcPolicy } from '../scan/scan.types.js';
import { scoreLead } from '../scan/score.js';
import { buildLead } from '../store/store.test-utils.js';
import { resolveCompany } from './companies.service.js';
import { columnsFromHeader, createCsvIngestService, detectColumns } from './csv-ingest.service.js';
import { diffScans } from './rescan.diff.js';
import { scoreBreakdownOf } from './score-breakdown.js';

const NOW = new Date('2026-03-01T00:00:00Z');

describe('score breakdown', () => {
  test('the points always sum to the score scoreLead gives (any provider and signals)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.boolean(),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.constantFrom<DmarcPolicy | null | 'record-without-p'>('none', 'quarantine', 'reject', null, 'record-without-p'),
        fc.boolean(),
        (provider, hasSpf, includes, dkim, dmarcPolicy, hasMx) => {
          const spf = hasSpf ? { raw: 'v=spf1', includes: Array.from({ length: includes }, (_, i) => `i${i}.example`), redirect: null, all: null } : null;
          const dmarc = dmarcPolicy === null ? null : { raw: 'v=DMARC1', policy: dmarcPolicy === 'record-without-p' ? null : dmarcPolicy, coverage: 100, tags: {} };
          const scored = scoreLead({ provider, mailGateway: null, hasMx, spf, dkim, dmarc, expiresAt: null, now: NOW });
          const lead = buildLead({
            domain: 'x.example',
            provider,
            mx_hosts: hasMx ? ['mx.x.example'] : [],
            spf: hasSpf,
            spf_includes: spf?.includes ?? [],
            dkim,
            dmarc_policy: dmarc?.policy ?? null,
            dmarc_coverage: dmarc ? 100 : null,
            ...scored,
          });
          const b = scoreBreakdownOf(lead);
          const parts = [b.base_score, b.provider.points, ...Object.values(b.signal_points), ...Object.values(b.risk_points), ...Object.values(b.adjustment_points)];
          expect(parts.reduce((x, y) => x + y, 0)).toBe(scored.score);
          expect(b.total_score).toBe(scored.score);
          for (const points of Object.values(b.signal_points)) expect(points).toBeGreaterThan(0);
          for (const points of Object.values(b.risk_points)) expect(points).toBeLessThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a Hosting domain without SPF or DKIM: its terms by name, clamped to 0', () => {
    const lead = buildLead({ domain: 'h.example', provider: 'Hosting', spf: false, spf_includes: [], dkim: false, dmarc_policy: 'none', dmarc_coverage: 100 });
    const b = scoreBreakdownOf(lead);
    expect(b.provider).toEqual({ name: 'Hosting', points: 20 });
    expect(b.signal_points).toEqual({});
    expect(b.risk_points).toEqual({ no_spf: -10, no_dkim: -15, dmarc_none: -10, hosting_mx_weak: -10 });
    expect(b.adjustment_points).toEqual({ clamp_to_range: 25 });
    expect(b.total_score).toBe(0);
  });
});

describe('rescan diff', () => {
  const before = buildLead({ domain: 'a.example', expires_at: '2030-01-01' });
  test('no previous scan: nothing changed', () => {
    expect(diffScans(null, before, NOW)).toEqual({ changes: [], signalChanges: 0, scoreChanges: 0 });
  });
  test('MX, SPF, DKIM, DMARC, priority and segment changes; expire_soon from the new scan', () => {
    const after = buildLead({
      domain: 'a.example',
      mx_hosts: ['a-example.mail.protection.outlook.com'],
      mx_root: 'outlook.com',
      dkim: false,
      dmarc_policy: 'reject',
      segment: 'Existing',
      priority_score: 3,
      score: 80,
      expires_at: '2026-03-11',
    });
    const diff = diffScans(before, after, NOW);
    expect(diff.changes.map((c) => c.type)).toEqual(['mx_changed', 'dkim_changed', 'dmarc_changed', 'priority_score_changed', 'segment_changed', 'expire_soon']);
    expect(diff.changes[0]).toEqual({ type: 'mx_changed', old_value: 'google.com', new_value: 'outlook.com' });
    expect(diff.changes.at(-1)).toEqual({ type: 'expire_soon', days_until_expiry: 10, expires_at: '2026-03-11' });
    expect(diff.signalChanges).toBe(3);
    expect(diff.scoreChanges).toBe(2);
  });
  test('a DMARC record that appears is dmarc_added', () => {
    const without = buildLead({ domain: 'a.example', dmarc_policy: null, dmarc_coverage: null });
    expect(diffScans(without, before, NOW).changes).toEqual([{ type: 'dmarc_added', old_value: null, new_value: 'none' }]);
  });
});

describe('company entries', () => {
  test('website, else e-mail, replaces the domain when valid', () => {
    expect(resolveCompany({ domain: 'a.com', website: 'https://www.b.com/x' })).toMatchObject({ ok: true, domain: 'b.com' });
    expect(resolveCompany({ domain: 'a.com', email: 'x@y@mail.c.com' })).toMatchObject({ ok: true, domain: 'c.com' });
    expect(resolveCompany({ domain: 'a.com', website: 'n/a', email: 'nobody' })).toMatchObject({ ok: true, domain: 'a.com' });
    expect(resolveCompany({ domain: 'not a domain' })).toMatchObject({ ok: false });
  });
  test('CSV header names, lowercased and trimmed; no domain column is null', () => {
    expect(columnsFromHeader([' Company_Name ', 'DOMAIN', 'email'])).toEqual({ domain: 1, companyName: 0, email: 2, website: null });
    expect(columnsFromHeader(['name', 'site'])).toBeNull();
  });
  test('columns detected by content, with or without a header row', () => {
    expect(detectColumns([['Firma', 'Adresse'], ['Acme', 'acme.com'], ['Beta', 'beta.de']])).toEqual({
      columns: { domain: 1, companyName: 0, email: null, website: null },
      headerRow: true,
    });
    expect(detectColumns([['Acme', 'acme.com'], ['Beta', 'beta.de']])?.headerRow).toBe(false);
    expect(detectColumns([['a', 'b'], ['c', 'd']])).toBeNull();
  });
});

describe('CSV ingest', () => {
  // in-memory companies and a bulk service that records what it was asked to queue
  function service(maxBulk: number) {
    const queued: string[][] = [];
    const ids = new Map<string, number>();
    const svc = createCsvIngestService({
      companies: { upsertMany: async (cs: { domain: string }[]) => new Map(cs.map((c) => [c.domain, ids.get(c.domain) ?? (ids.set(c.domain, ids.size + 1), ids.size)])) } as never,
      bulk: { start: async (list: string[]) => (queued.push(list), { job: { id: 'job-1' }, total: list.length }) } as never,
      saveIngestJob: async () => {},
      maxBulk,
    });
    return { svc, queued };
  }
  const csv = (text: string) => Readable.from([Buffer.from(text)]);

  test('rows past the bulk limit are ingested, not queued, and the answer says so', async () => {
    const { svc, queued } = service(2);
    const r = await svc.ingest(csv('domain\na.com\nb.com\nc.com\n'), { autoScan: true, autoDetectColumns: false });
    expect(r).toMatchObject({ ingested: 3, scanned: 2, totalRows: 3 });
    expect(queued).toEqual([['a.com', 'b.com']]);
    expect(r.errors).toEqual([expect.stringMatching(/^1 domains over the bulk limit of 2/)]);
  });

  test('semicolons, a BOM and quoted cells; row numbers count the header as row 1', async () => {
    const { svc } = service(100);
    const r = await svc.ingest(csv('\uFEFFcompany_name;domain\n"Acme; Inc";acme.com\nBad;-x-\n'), { autoScan: false, autoDetectColumns: false });
    expect(r).toMatchObject({ ingested: 1, totalRows: 2, scanned: 0 });
    expect(r.errors).toEqual([expect.stringMatching(/^Row 3: invalid_domain/)]);
  });

  test('an empty file and a header without a domain column are refused', async () => {
    const { svc } = service(100);
    await expect(svc.ingest(csv(''), { autoScan: false, autoDetectColumns: false })).rejects.toThrow(/empty/);
    await expect(svc.ingest(csv('name\nAcme\n'), { autoScan: false, autoDetectColumns: false })).rejects.toThrow(/no domain column/);
  });
});
