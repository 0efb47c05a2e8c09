import { describe, expect, it } from 'vitest';
import { classifyProvider, sortMx } from './classify.js';
import { parseDmarc } from './dmarc.js';
import { assembleLead, type DnsStageResult } from './scan-domain.js';
import { LEAD_FIELDS, type DnsSignals, type Lead, type MxRecord, type RegistrationInfo } from './scan.types.js';
import { scoreLead } from './score.js';
import { parseSpf } from './spf.js';

const NOW = new Date('2026-12-02T10:00:00.000Z');

function stage(mx: MxRecord[], spf: string | null, dmarc: string | null, dkimSelector: string | null): DnsStageResult {
  const parsedSpf = spf ? parseSpf(spf) : null;
  const signals: DnsSignals = {
    mx,
    spf: parsedSpf,
    spfRecordCount: spf ? 1 : 0,
    dmarc: dmarc ? parseDmarc(dmarc) : null,
    dkimSelector,
    nameservers: [],
    msVerification: false,
    googleVerification: false,
  };
  return { signals, classification: classifyProvider(mx, parsedSpf?.includes ?? []) };
}

/** The lead as every field's source says, put in LEAD_FIELDS order: what assembleLead must equal. */
function expected(domain: string, dns: DnsStageResult, registration: RegistrationInfo, whoisFailed: boolean): Lead {
  const { signals, classification } = dns;
  const mx = sortMx(signals.mx);
  const score = scoreLead({
    provider: classification.provider,
    mailGateway: classification.mail_gateway,
    hasMx: mx.length > 0,
    spf: signals.spf,
    dkim: signals.dkimSelector !== null,
    dmarc: signals.dmarc,
    expiresAt: registration.expires_at,
    now: NOW,
  });
  const lead: Record<string, unknown> = {
    domain,
    ...score,
    ...classification,
    mx_hosts: mx.map((m) => m.host),
    spf: signals.spf !== null,
    spf_includes: signals.spf?.includes ?? [],
    dkim: signals.dkimSelector !== null,
    dkim_selector: signals.dkimSelector,
    dmarc_policy: signals.dmarc?.policy ?? null,
    dmarc_coverage: signals.dmarc ? signals.dmarc.coverage : null,
    ...registration,
    scan_status: whoisFailed ? 'whois_failed' : 'completed',
    scanned_at: NOW.toISOString(),
  };
  return Object.fromEntries(LEAD_FIELDS.map((field) => [field, lead[field]])) as unknown as Lead;
}

const registered: RegistrationInfo = { registrar: 'Example Registrar', created_at: '2001-02-03', expires_at: '2027-01-01', nameservers: ['ns1.example.net'], whois_source: 'rdap' };
const unknown: RegistrationInfo = { registrar: null, created_at: null, expires_at: null, nameservers: null, whois_source: null };

describe('assembleLead', () => {
  const cases: [string, DnsStageResult, RegistrationInfo, boolean][] = [
    ['m365.example', stage([{ preference: 0, host: 'm365-example.mail.protection.outlook.com' }], 'v=spf1 include:spf.protection.outlook.com -all', 'v=DMARC1; p=reject; pct=50', 'selector1'), registered, false],
    ['gw.example', stage([{ preference: 10, host: 'mx1.hornetsecurity.com' }, { preference: 20, host: 'aspmx.l.google.com' }], 'v=spf1 include:_spf.google.com ~all', null, null), registered, false],
    ['nomx.example', stage([], null, null, null), unknown, true],
    ['local.example', stage([{ preference: 5, host: 'MAIL.Example.COM.' }], null, 'v=DMARC1; p=none', 'default'), unknown, false],
  ];

  it.each(cases)('%s: every field from its source, in LEAD_FIELDS order', (domain, dns, registration, whoisFailed) => {
    const lead = assembleLead(domain, dns, registration, whoisFailed, NOW);
    expect(Object.keys(lead)).toEqual([...LEAD_FIELDS]);
    expect(lead).toEqual(expected(domain, dns, registration, whoisFailed));
    expect(JSON.stringify(lead)).toBe(JSON.stringify(expected(domain, dns, registration, whoisFailed)));
  });
});
