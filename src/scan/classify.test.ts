import { describe, expect, it } from 'vitest';
import {
  classifyProvider,
  inferProviderFromSpf,
  matchesSuffix,
  registrableDomain,
  sortMx,
  tenantSizeOf,
} from './classify.js';
import { GATEWAY_SUFFIXES, LOCAL_HOSTERS, MX_PROVIDER_SUFFIXES } from './providers.data.js';
import type { MxRecord } from './scan.types.js';

const mx = (...records: [number, string][]): MxRecord[] =>
  records.map(([preference, host]) => ({ preference, host }));

describe('matchesSuffix', () => {
  it('matches the suffix itself and hosts under it', () => {
    expect(matchesSuffix('outlook.com', 'outlook.com')).toBe(true);
    expect(matchesSuffix('x.outlook.com', 'outlook.com')).toBe(true);
    expect(matchesSuffix('a.b.mail.protection.outlook.com', 'mail.protection.outlook.com')).toBe(true);
  });

  it('does not match across a label boundary', () => {
    expect(matchesSuffix('evil-outlook.com', 'outlook.com')).toBe(false);
    expect(matchesSuffix('xoutlook.com', 'outlook.com')).toBe(false);
    expect(matchesSuffix('outlook.com.evil.net', 'outlook.com')).toBe(false);
  });

  it('ignores case and trailing dots', () => {
    expect(matchesSuffix('MX.YANDEX.NET.', 'yandex.net')).toBe(true);
  });

  it('never matches an empty suffix', () => {
    expect(matchesSuffix('example.com', '')).toBe(false);
  });
});

describe('registrableDomain', () => {
  it.each([
    ['inbound-smtp.eu-west-1.amazonaws.com', 'amazonaws.com'],
    ['kestrelmavi-com-tr.j-v1.mx.microsoft', 'mx.microsoft'],
    ['mail.sub.example.co.uk', 'example.co.uk'],
    ['mx1.firma.com.tr', 'firma.com.tr'],
    ['X.MAIL.PROTECTION.OUTLOOK.COM.', 'outlook.com'],
  ])('reduces %s to %s', (host, domain) => {
    expect(registrableDomain(host)).toBe(domain);
  });

  it('uses the ICANN section only, not private suffixes', () => {
    expect(registrableDomain('shop.foo.blogspot.com')).toBe('blogspot.com');
  });

  it('is null for IP addresses, public suffixes and single labels', () => {
    expect(registrableDomain('192.0.2.1')).toBeNull();
    expect(registrableDomain('com.tr')).toBeNull();
    expect(registrableDomain('localhost')).toBeNull();
  });
});

describe('sortMx', () => {
  it('sorts by preference, then host name, and normalizes hosts', () => {
    expect(sortMx(mx([20, 'B.example.'], [10, 'z.example'], [10, 'A.example']))).toEqual(
      mx([10, 'a.example'], [10, 'z.example'], [20, 'b.example']),
    );
  });

  it('drops RFC 7505 null MX entries', () => {
    expect(sortMx(mx([0, '.']))).toEqual([]);
    expect(sortMx(mx([0, '']))).toEqual([]);
  });
});

describe('classifyProvider: provider tables', () => {
  it.each([
    ['hazarvertex-fr.mail.protection.outlook.com', 'M365', 'outlook.com'],
    ['kestrelmavi-com-tr.j-v1.mx.microsoft', 'M365', 'mx.microsoft'],
    ['aspmx.l.google.com', 'Google', 'google.com'],
    ['smtp.google.com', 'Google', 'google.com'],
    ['aspmx2.googlemail.com', 'Google', 'googlemail.com'],
    ['mx.yandex.net', 'Yandex', 'yandex.net'],
    ['mx.zoho.com.au', 'Zoho', 'zoho.com.au'],
    ['inbound-smtp.us-west-2.amazonaws.com', 'Amazon', 'amazonaws.com'],
    ['mx.sendgrid.net', 'SendGrid', 'sendgrid.net'],
    ['mxa.mailgun.org', 'Mailgun', 'mailgun.org'],
    ['smtp.secureserver.net', 'Hosting', 'secureserver.net'],
    ['mx1.mail.ovh.net', 'Hosting', 'ovh.net'],
    ['mx01.mail.icloud.com', 'Hosting', 'icloud.com'],
    ['mail.example.com', 'Local', 'example.com'],
  ] as const)('classifies MX %s as %s with root %s', (host, provider, root) => {
    const c = classifyProvider(mx([10, host]), []);
    expect(c.provider).toBe(provider);
    expect(c.mx_root).toBe(root);
    expect(c.mail_gateway).toBeNull();
    expect(c.provider_confidence).toBe(provider === 'Local' ? 'low' : 'high');
  });

  it('recognises every suffix of every provider table', () => {
    for (const [provider, suffixes] of Object.entries(MX_PROVIDER_SUFFIXES)) {
      for (const suffix of suffixes) {
        expect(classifyProvider(mx([10, `mx.${suffix}`]), []).provider, suffix).toBe(provider);
      }
    }
  });

  it('matches suffixes on label boundaries only', () => {
    expect(classifyProvider(mx([10, 'mx.evil-outlook.com']), []).provider).toBe('Local');
    expect(classifyProvider(mx([10, 'mx.notyandex.net']), []).provider).toBe('Local');
    expect(classifyProvider(mx([10, 'mx.notmimecast.com']), []).mail_gateway).toBeNull();
  });

  it('is case-insensitive and ignores trailing dots on MX hosts', () => {
    expect(classifyProvider(mx([0, 'EKINVADI38-DE.MAIL.PROTECTION.OUTLOOK.COM.']), []).provider).toBe('M365');
  });
});

describe('classifyProvider: which MX decides', () => {
  it('lets the lowest preference decide, whatever the record order', () => {
    const c = classifyProvider(
      mx([20, 'backup.example.com'], [1, 'aspmx.l.google.com'], [10, 'alt1.aspmx.l.google.com']),
      [],
    );
    expect(c.provider).toBe('Google');
    expect(c.mx_root).toBe('google.com');
  });

  it('never lets a backup MX with a higher preference decide', () => {
    const c = classifyProvider(mx([10, 'mail.example.com'], [20, 'x.mail.protection.outlook.com']), [
      'spf.protection.outlook.com',
    ]);
    expect(c.provider).toBe('Local');
    expect(c.mx_root).toBe('example.com');
  });

  it('takes the first host in name order that matches a known class among equal preferences', () => {
    const c = classifyProvider(mx([10, 'a.example.com'], [10, 'z.mail.protection.outlook.com']), []);
    expect(c.provider).toBe('M365');
    expect(c.mx_root).toBe('outlook.com');
  });

  it('breaks a tie between two known classes by name order', () => {
    const c = classifyProvider(mx([10, 'mx.zoho.com'], [10, 'aspmx.l.google.com']), []);
    expect(c.provider).toBe('Google');
  });

  it('counts a gateway as a known class in the tie-break', () => {
    const c = classifyProvider(mx([10, 'a.example.com'], [10, 'eu-smtp-inbound-1.mimecast.com']), []);
    expect(c.mail_gateway).toBe('Mimecast');
    expect(c.mx_root).toBe('mimecast.com');
  });

  it('falls back to Local by the first host in name order when no equal-preference host is known', () => {
    const c = classifyProvider(mx([10, 'mx2.firma.com.tr'], [10, 'mx1.other.com.tr']), []);
    expect(c).toEqual({
      provider: 'Local',
      provider_confidence: 'low',
      mail_gateway: null,
      mx_root: 'other.com.tr',
      local_provider: null,
      tenant_size: null,
    });
  });
});

describe('classifyProvider: no MX', () => {
  const unknown = {
    provider: 'Unknown',
    provider_confidence: 'low',
    mail_gateway: null,
    mx_root: null,
    local_provider: null,
    tenant_size: null,
  };

  it('is Unknown without MX records', () => {
    expect(classifyProvider([], ['_spf.google.com'])).toEqual(unknown);
  });

  it('treats an RFC 7505 null MX as no MX', () => {
    expect(classifyProvider(mx([0, '.']), [])).toEqual(unknown);
    expect(classifyProvider(mx([0, '']), [])).toEqual(unknown);
  });
});

describe('classifyProvider: security gateways', () => {
  it.each([
    ['spf.protection.outlook.com', 'M365'],
    ['_spf.google.com', 'Google'],
    ['zoho.eu', 'Zoho'],
    ['zoho.com.au', 'Zoho'],
    ['one.zoho.in', 'Zoho'],
    ['zohomail.com', 'Zoho'],
    ['_spf.yandex.net', 'Yandex'],
    ['amazonses.com', 'Amazon'],
  ] as const)('infers the provider behind the gateway from include:%s -> %s', (include, provider) => {
    const c = classifyProvider(mx([10, 'mx01.hornetsecurity.com'], [20, 'mx02.hornetsecurity.com']), [
      'spf.hornetsecurity.com',
      include,
    ]);
    expect(c).toEqual({
      provider,
      provider_confidence: 'medium',
      mail_gateway: 'Hornetsecurity',
      mx_root: 'hornetsecurity.com',
      local_provider: null,
      tenant_size: null,
    });
  });

  it('falls back to Local with low confidence when no include names a provider', () => {
    const c = classifyProvider(mx([10, 'd293813a.ess.barracudanetworks.com']), [
      'spf.ess.barracudanetworks.com',
      'servers.mcsv.net',
    ]);
    expect(c.provider).toBe('Local');
    expect(c.provider_confidence).toBe('low');
    expect(c.mail_gateway).toBe('Barracuda');
    expect(c.mx_root).toBe('barracudanetworks.com');
  });

  it('does not infer a provider from look-alike includes', () => {
    expect(inferProviderFromSpf(['zoho.evil.com', 'notamazonses.com', 'x_spf.google.com'])).toBeNull();
  });

  it('prefers a mailbox provider over Amazon SES when both are included', () => {
    expect(inferProviderFromSpf(['amazonses.com', '_spf.google.com'])).toBe('Google');
  });

  it('names every gateway of the table', () => {
    for (const [name, suffixes] of Object.entries(GATEWAY_SUFFIXES)) {
      for (const suffix of suffixes) {
        expect(classifyProvider(mx([10, `in.${suffix}`]), []).mail_gateway, suffix).toBe(name);
      }
    }
  });

  it('reports Cloudflare Email Routing by the name the domain model gives it', () => {
    expect(classifyProvider(mx([10, 'route1.mx.cloudflare.net']), []).mail_gateway).toBe('Cloudflare Email Routing');
  });
});

describe('classifyProvider: local_provider', () => {
  it.each(Object.entries(LOCAL_HOSTERS))('names the regional hoster of MX root %s as %s', (root, name) => {
    const c = classifyProvider(mx([10, `mx1.${root}`]), []);
    expect(c.provider).toBe('Local');
    expect(c.local_provider).toBe(name);
  });

  it('spells the Turkish names with their Turkish characters', () => {
    expect(LOCAL_HOSTERS['turkhost.com.tr']).toBe('TürkHost');
    expect(LOCAL_HOSTERS['isimtescil.net']).toBe('İsimtescil');
  });

  it('is null for a self-hosted MX, for big providers and behind gateways', () => {
    expect(classifyProvider(mx([10, 'mail.anka-lumen.com']), []).local_provider).toBeNull();
    expect(classifyProvider(mx([10, 'smtp.google.com']), []).local_provider).toBeNull();
    expect(classifyProvider(mx([10, 'smtp.secureserver.net']), []).local_provider).toBeNull();
    expect(classifyProvider(mx([10, 'mx1.x.iphmx.com']), []).local_provider).toBeNull();
  });
});

describe('tenant size', () => {
  it.each([
    ['hazarvertex-fr.mail.protection.outlook.com', 'large'],
    ['abc12.protection.outlook.com', 'small'],
    ['olc.protection.outlook.com', 'small'],
    ['outlook-com.olc.protection.outlook.com', 'small'],
    ['kestrelmavi-com-tr.j-v1.mx.microsoft', 'medium'],
    ['mx1.outlook.com', 'medium'],
    ['abcd12.protection.outlook.com', 'medium'],
  ] as const)('reads M365 host %s as %s', (host, size) => {
    expect(classifyProvider(mx([0, host]), []).tenant_size).toBe(size);
  });

  it.each([
    ['aspmx.l.google.com', 'medium'],
    ['alt1.aspmx.l.google.com', 'medium'],
    ['alt4.aspmx.l.google.com', 'medium'],
    ['aspmx2.googlemail.com', 'medium'],
    ['aspmx3.googlemail.com', 'medium'],
    ['smtp.google.com', 'medium'],
    ['gmail-smtp-in.l.google.com', 'large'],
  ] as const)('reads Google host %s as %s', (host, size) => {
    expect(classifyProvider(mx([1, host]), []).tenant_size).toBe(size);
  });

  it('is read from the full deciding host, not from the MX root', () => {
    // Both roots are outlook.com; only the full host tells them apart.
    expect(tenantSizeOf('M365', 'x.mail.protection.outlook.com')).toBe('large');
    expect(tenantSizeOf('M365', 'abc12.protection.outlook.com')).toBe('small');
  });

  it('is null for providers other than M365 and Google', () => {
    expect(classifyProvider(mx([10, 'mx.zoho.com']), []).tenant_size).toBeNull();
    expect(classifyProvider(mx([10, 'mail.example.com']), []).tenant_size).toBeNull();
  });

  it('is null when the provider is only inferred behind a gateway', () => {
    const c = classifyProvider(mx([10, 'mx1.x.iphmx.com']), ['spf.protection.outlook.com']);
    expect(c.provider).toBe('M365');
    expect(c.tenant_size).toBeNull();
  });
});
