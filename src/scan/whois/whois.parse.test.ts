import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredSlashOrder, parseWhoisDate } from './whois.dates.js';
import { classifyWhoisReply, detectWhoisEmptyRecord, detectWhoisNotFound, detectWhoisThrottle, parseWhois } from './whois.parse.js';

const FIXTURES = path.join(process.cwd(), 'test/fixtures');
const LIKEXIAN = path.join(FIXTURES, 'whois/likexian');

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Raw replies of a likexian folder (the `.json` expectations and `.pre` variants left out). */
function likexianReplies(folder: 'noterror' | 'notfound'): [string, string][] {
  const dir = path.join(LIKEXIAN, folder);
  return readdirSync(dir)
    .filter((file) => !file.endsWith('.json') && !file.endsWith('.pre'))
    .sort()
    .map((file) => [file, read(path.join(dir, file))]);
}

interface DnsCase {
  kind: string;
  domain: string;
  whois: { raw: string; fault?: { kind: string; reply?: string; times?: number } };
  expect: {
    failed?: boolean;
    scan_status?: string;
    registrar?: string | null;
    created_at?: string | null;
    expires_at?: string | null;
    nameservers?: string[] | null;
  };
}

const dnsCases = (JSON.parse(read(path.join(FIXTURES, 'dns-cases.json'))) as { cases: DnsCase[] }).cases;

describe('parseWhoisDate', () => {
  it.each([
    ['2031-01-05T10:00:00Z', '2031-01-05'],
    ['1997-09-15T00:00:00-0700', '1997-09-15'],
    ['2001-06-14-T10:32:43Z', '2001-06-14'],
    ['2016-Jun-14.', '2016-06-14'],
    ['13-Nov-2007', '2007-11-13'],
    ['31 May 1999', '1999-05-31'],
    ['30th April 2003 at 00:00:00.000', '2003-04-30'],
    ['Tue Oct 09 2001', '2001-10-09'],
    ['Tue Oct 09 00:00:00 GMT 2001', '2001-10-09'],
    ['October 9, 2001', '2001-10-09'],
    ['15.12.2015 09:48:01', '2015-12-15'],
    ['4.7.2020 10:15:55', '2020-07-04'],
    ['2002.09.19 13:00:00', '2002-09-19'],
    ['2001/05/14', '2001-05-14'],
    ['2012. 05. 19.', '2012-05-19'],
    ['19961206 #24302', '1996-12-06'],
    ['11-07-2017', '2017-07-11'],
    ['12/18/2001', '2001-12-18'],
    ['2011-07-21 18:03:50+03', '2011-07-21'],
    ['2020-05-23 (YYYY-MM-DD)', '2020-05-23'],
  ])('reads %s as the calendar date written', (value, iso) => {
    expect(parseWhoisDate(value)).toBe(iso);
  });

  it('reads an ambiguous slash date only in an order the registry is known to write, never by guess', () => {
    expect(parseWhoisDate('01/03/2022')).toBeNull();
    expect(parseWhoisDate('01/03/2022', 'mdy')).toBe('2022-01-03');
    expect(parseWhoisDate('01/03/2022', 'dmy')).toBe('2022-03-01');
    expect(parseWhoisDate('25/03/2022')).toBe('2022-03-25');
    expect(parseWhoisDate('03/25/2022')).toBe('2022-03-25');
    expect(parseWhoisDate('03/03/2022')).toBe('2022-03-03');
  });

  it('takes the slash order from the reply header, else from the registry of the TLD', () => {
    expect(declaredSlashOrder('complete date format : DD/MM/YYYY', 'example.com')).toBe('dmy');
    expect(declaredSlashOrder('', 'example.tk')).toBe('mdy');
    expect(declaredSlashOrder('', 'example.co.uk')).toBe('dmy');
    expect(declaredSlashOrder('', 'example.lu')).toBe('dmy');
    expect(declaredSlashOrder('', 'example.com')).toBe('unknown');
  });

  it.each([
    ['Friday 7th November 2003', '2003-11-07'],
    ['26-Mar-2002 18:08:52 UTC', '2002-03-26'],
    ['21-March-2002', '2002-03-21'],
    ['2002.03.26', '2002-03-26'],
    ['26 de marzo de 2002', '2002-03-26'],
    ['26. März 2002', '2002-03-26'],
    ['3 févr. 2015', '2015-02-03'],
    ['20131218000000', '2013-12-18'],
  ])('reads the written form %s', (value, iso) => {
    expect(parseWhoisDate(value)).toBe(iso);
  });

  it('refuses bounds, impossible dates and text', () => {
    expect(parseWhoisDate('before 1 January 1996')).toBeNull();
    expect(parseWhoisDate('2021-02-30')).toBeNull();
    expect(parseWhoisDate('Connected')).toBeNull();
    expect(parseWhoisDate('')).toBeNull();
  });
});

describe('parseWhois', () => {
  it('reads the ICANN key: value layout, upper-case name servers lowercased and sorted', () => {
    const raw = [
      '   Domain Name: EXAMPLE.COM',
      '   Registrar WHOIS Server: whois.tucows.com',
      '   Registrar URL: http://www.tucows.com',
      '   Creation Date: 2013-07-19T04:00:00Z',
      '   Registry Expiry Date: 2031-07-19T04:00:00Z',
      '   Registrar: Tucows Domains Inc.',
      '   Registrar IANA ID: 69',
      '   Name Server: NS2.EXAMPLE.COM',
      '   Name Server: NS1.EXAMPLE.COM',
    ].join('\n');
    expect(parseWhois('example.com', raw)).toEqual({
      registrar: 'Tucows Domains Inc.',
      created_at: '2013-07-19',
      expires_at: '2031-07-19',
      nameservers: ['ns1.example.com', 'ns2.example.com'],
    });
  });

  it('takes the Nominet registrar from the line under `Registrar:` without its tag', () => {
    const raw = [
      '    Registrar:',
      '        OVH sas [Tag = OVH]',
      '        URL: https://www.ovh.com',
      '',
      '    Relevant dates:',
      '        Registered on: 13-Nov-2007',
      '        Expiry date:  13-Nov-2031',
      '',
      '    Name servers:',
      '        ns1.example.co.uk         1.2.3.4',
      '        ns2.example.co.uk',
    ].join('\n');
    expect(parseWhois('example.co.uk', raw)).toEqual({
      registrar: 'OVH sas',
      created_at: '2007-11-13',
      expires_at: '2031-11-13',
      nameservers: ['ns1.example.co.uk', 'ns2.example.co.uk'],
    });
  });

  it('reads the SIDN block layout: registrar first value line, `Domain nameservers:` block, no expiry', () => {
    const raw = [
      'Domain name: example.nl',
      'Registrar:',
      '   IONOS SE',
      '   Postbus 100',
      '',
      'Creation Date: 2002-01-03',
      '',
      'Domain nameservers:',
      '   ns1.example.nl',
      '   ns2.example.nl',
      '',
      'Record maintained by: NL Domain Registry',
    ].join('\n');
    expect(parseWhois('example.nl', raw)).toEqual({
      registrar: 'IONOS SE',
      created_at: '2002-01-03',
      expires_at: null,
      nameservers: ['ns1.example.nl', 'ns2.example.nl'],
    });
  });

  it('takes the EURid registrar from `Name:` in the Registrar block, not the technical contact', () => {
    const raw = [
      'Domain: example.eu',
      '',
      'Technical:',
      '        Organisation: Some Tech Ltd',
      '',
      'Registrar:',
      '        Name: Tucows Domains Inc.',
      '        Website: https://www.tucows.com',
      '',
      'Name servers:',
      '        ns1.example.eu',
    ].join('\n');
    const parsed = parseWhois('example.eu', raw);
    expect(parsed.registrar).toBe('Tucows Domains Inc.');
    expect(parsed.nameservers).toEqual(['ns1.example.eu']);
  });

  it('reads the TRABIS (.tr) layout: `** Registrar:` organization, `** Domain Servers:`, dotted dates', () => {
    const raw = [
      '** Domain Name: example.com.tr',
      '** Registrar:',
      'NIC Handle\t\t: tyh55',
      'Organization Name\t: Atak Domain Bilgi Teknolojileri A.Ş.',
      '',
      '** Domain Servers:',
      'ns1.example.com.tr',
      'ns2.example.com.tr 1.2.3.4',
      '',
      '** Additional Info:',
      'Created on..............: 2016-Jun-14.',
      'Expires on..............: 2029-Jun-14.',
    ].join('\n');
    expect(parseWhois('example.com.tr', raw)).toEqual({
      registrar: 'Atak Domain Bilgi Teknolojileri A.Ş.',
      created_at: '2016-06-14',
      expires_at: '2029-06-14',
      nameservers: ['ns1.example.com.tr', 'ns2.example.com.tr'],
    });
  });

  it('reads AFNIC: the domain paragraph wins over the registrar and contact paragraphs', () => {
    const raw = [
      'domain:      example.fr',
      'registrar:   IONOS SE',
      'Expiry Date: 2031-01-05T10:00:00Z',
      'created:     2010-01-05T10:00:00Z',
      '',
      'nserver:     ns1.example.fr',
      '',
      'registrar:   IONOS SE',
      'registered:  1999-10-21T12:00:00Z',
      '',
      'nic-hdl:     ANO00-FRNIC',
      'changed:     2018-12-26T12:48:55Z nic@nic.fr',
    ].join('\n');
    expect(parseWhois('example.fr', raw)).toEqual({
      registrar: 'IONOS SE',
      created_at: '2010-01-05',
      expires_at: '2031-01-05',
      nameservers: ['ns1.example.fr'],
    });
  });

  it('reads DENIC replies, which only list name servers', () => {
    const raw = 'Domain: example.de\nNserver: ns1.example.de\nNserver: ns2.example.de\nStatus: connect\nChanged: 2025-02-26T21:44:25+01:00\n';
    expect(parseWhois('example.de', raw)).toEqual({
      registrar: null,
      created_at: null,
      expires_at: null,
      nameservers: ['ns1.example.de', 'ns2.example.de'],
    });
  });

  it('reads JPRS bracket labels', () => {
    const raw = [
      'Domain Information:',
      'a. [Domain Name]                EXAMPLE.JP',
      'p. [Name Server]                ns1.example.jp',
      '[Created on]                    2001/05/14',
      '[Expires on]                    2020/05/31',
    ].join('\n');
    const parsed = parseWhois('example.jp', raw);
    expect(parsed).toMatchObject({ created_at: '2001-05-14', expires_at: '2020-05-31', nameservers: ['ns1.example.jp'] });
  });

  it('reads SWITCH tab-separated labels and a name server block with glue on each line', () => {
    const raw = [
      'Domain name\texample.ch',
      'Registrar\tGandi SAS',
      'boulevard Massena 63-65',
      '',
      'Name servers',
      'ns2.example.ch\t130.59.31.29',
      'ns2.example.ch\t2001:620:0:ff::2f',
      'ns1.example.ch\t130.59.31.26',
      '',
      'First registration date\t31 May 1999',
    ].join('\n');
    expect(parseWhois('example.ch', raw)).toEqual({
      registrar: 'Gandi SAS',
      created_at: '1999-05-31',
      expires_at: null,
      nameservers: ['ns1.example.ch', 'ns2.example.ch'],
    });
  });

  it('reads TWNIC sentence labels written after the contact blocks', () => {
    const raw = [
      'Domain Name: example.tw',
      '   Technical Contact:',
      '      Not displayed due to GDPR',
      '   Record expires on 2020-05-23 (YYYY-MM-DD)',
      '   Record created on 2008-05-23 (YYYY-MM-DD)',
      '   Domain servers in listed order:',
      '      ns1.example.tw      ',
      'Registration Service Provider: GANDI SAS',
    ].join('\n');
    expect(parseWhois('example.tw', raw)).toEqual({
      registrar: 'GANDI SAS',
      created_at: '2008-05-23',
      expires_at: '2020-05-23',
      nameservers: ['ns1.example.tw'],
    });
  });

  it('strips glue in parentheses, status marks and trailing dots from name servers, and dedupes', () => {
    const raw = [
      'nserver: NS1.Example.com. (1.2.3.4)',
      'nserver: ns2.example.com [OK]',
      'nserver: ns1.example.com',
      'nserver: 192.0.2.1',
    ].join('\n');
    expect(parseWhois('example.com', raw).nameservers).toEqual(['ns1.example.com', 'ns2.example.com']);
  });

  it('never takes a registrar URL, IANA ID or WHOIS server for the name', () => {
    const raw = 'Registrar: http://www.example-registrar.com\nRegistrar: 1234\nRegistrar: whois.example.net\n';
    expect(parseWhois('example.com', raw).registrar).toBeNull();
  });

  it('takes the registrar name over its handle (SK-NIC)', () => {
    const raw = 'Domain: example.sk\n\nRegistrar:                    ACTI-0024\nName:                         ACTIVE 24, s.r.o.\n';
    expect(parseWhois('example.sk', raw).registrar).toBe('ACTIVE 24, s.r.o.');
  });

  it('returns all nulls for text that is not a record', () => {
    expect(parseWhois('example.com', 'hello world\n')).toEqual({
      registrar: null,
      created_at: null,
      expires_at: null,
      nameservers: null,
    });
  });

  describe('on the dns-cases fixtures', () => {
    // A throttle that clears (`times: 1`) still ends with the record, so those cases count too.
    const parsable = dnsCases.filter((c) => !c.expect.failed && c.expect.scan_status !== 'whois_failed');

    it.each(parsable.map((c) => [c.domain, c] as const))('parses %s to its expected registration', (_, c) => {
      expect(parseWhois(c.domain, c.whois.raw)).toEqual({
        registrar: c.expect.registrar,
        created_at: c.expect.created_at,
        expires_at: c.expect.expires_at,
        nameservers: c.expect.nameservers,
      });
    });
  });
});

describe('detectWhoisThrottle', () => {
  const throttledDir = path.join(FIXTURES, 'whois/throttled');
  const throttled = readdirSync(throttledDir).filter((file) => file.endsWith('.txt'));

  it('has throttle fixtures to check', () => {
    expect(throttled.length).toBeGreaterThanOrEqual(20);
  });

  it.each(throttled)('detects the rate-limit reply %s', (file) => {
    expect(detectWhoisThrottle(read(path.join(throttledDir, file)))).toBe(true);
  });

  it.each(dnsCases.filter((c) => c.whois.fault?.reply).map((c) => [c.domain, c.whois.fault?.reply ?? ''] as const))(
    'detects the THROTTLE reply of dns case %s',
    (_, reply) => {
      expect(detectWhoisThrottle(reply)).toBe(true);
    },
  );

  it.each([
    'WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS',
    'Error: limit exceeded',
    'Too many requests, slow down',
    'Query rate limit exceeded. Please wait.',
    'Try again later.',
    '% Error: 55000000002 Connection refused; access control limit reached.',
    'Your connection limit exceeded.',
    '',
    '  \n \r\n',
  ])('detects the spec pattern %j', (reply) => {
    expect(detectWhoisThrottle(reply)).toBe(true);
  });

  it('ignores rate limits mentioned in terms of use', () => {
    const nominetTerms =
      'which includes restrictions on: (A) use of the data for advertising, or its\n' +
      'repackaging, recompilation, redistribution or reuse (B) obscuring, removing\n' +
      'or hiding any or all of this notice and (C) exceeding query rate or volume\n' +
      'limits. The data is provided on an \'as-is\' basis.\n';
    expect(detectWhoisThrottle(`Domain name: example.uk\n${nominetTerms}`)).toBe(false);
    expect(detectWhoisThrottle('Access to the Whois and RDAP services is rate limited. For more\n')).toBe(false);
  });

  it.each(likexianReplies('noterror'))('does not fire on the record %s', (_, raw) => {
    expect(detectWhoisThrottle(raw)).toBe(false);
  });

  it.each(likexianReplies('notfound'))('does not fire on the not-found reply %s', (_, raw) => {
    expect(detectWhoisThrottle(raw)).toBe(false);
  });

  it.each(dnsCases.map((c) => [c.domain, c.whois.raw] as const))('does not fire on the dns case reply of %s', (_, raw) => {
    expect(detectWhoisThrottle(raw)).toBe(false);
  });
});

describe('detectWhoisNotFound', () => {
  it.each(likexianReplies('notfound'))('detects the not-found reply %s', (_, raw) => {
    expect(detectWhoisNotFound(raw)).toBe(true);
  });

  it.each(likexianReplies('noterror'))('does not fire on the record %s', (_, raw) => {
    expect(detectWhoisNotFound(raw)).toBe(false);
  });

  // The nxdomain cases hold real "No match for" replies: their domains are not registered.
  const unregistered = dnsCases.filter((c) => c.kind === 'nxdomain');
  const registered = dnsCases.filter((c) => c.kind !== 'nxdomain');

  it.each(registered.map((c) => [c.domain, c.whois.raw] as const))('does not fire on the record of dns case %s', (_, raw) => {
    expect(detectWhoisNotFound(raw)).toBe(false);
  });

  it.each(unregistered.map((c) => [c.domain, c.whois.raw] as const))('detects the reply of nxdomain case %s', (_, raw) => {
    expect(detectWhoisNotFound(raw)).toBe(true);
  });

  it.each([
    'No match for "EXAMPLE.COM".',
    'NOT FOUND',
    'No entries found for the selected source(s).',
    'Domain not found.',
    'Domain: example.de\nStatus: free',
    '>>> Domain example.love is available for registration',
  ])('detects %j', (reply) => {
    expect(detectWhoisNotFound(reply)).toBe(true);
  });

  it('ignores availability mentioned in terms of use', () => {
    const terms =
      '%- persons to check whether a specific domain name is still available or not\n' +
      'Note that the lack of a whois record for a particular domain does not indicate that the name is available for registration.\n';
    expect(detectWhoisNotFound(`Domain: example.be\n${terms}`)).toBe(false);
  });
});

describe('classifyWhoisReply', () => {
  it('calls AFNIC\'s "Too many requests" refusal throttled although it also says "No entries found"', () => {
    const raw = read(path.join(FIXTURES, 'whois/throttled/whois.nic.fr__fr__response_throttled.txt'));
    expect(classifyWhoisReply('google.fr', raw)).toEqual({ kind: 'throttled' });
  });

  it('calls a "No match" reply not found', () => {
    expect(classifyWhoisReply('example.com', 'No match for "EXAMPLE.COM".\n')).toEqual({ kind: 'not_found' });
  });

  it('calls an empty reply throttled', () => {
    expect(classifyWhoisReply('example.com', '')).toEqual({ kind: 'throttled' });
  });

  it('parses a record', () => {
    const reply = classifyWhoisReply('example.de', 'Domain: example.de\nNserver: ns1.example.de\n');
    expect(reply).toEqual({
      kind: 'registered',
      registration: { registrar: null, created_at: null, expires_at: null, nameservers: ['ns1.example.de'] },
    });
  });
});

describe('layouts in neither corpus (test/fixtures/whois/layouts)', () => {
  const LAYOUTS = path.join(FIXTURES, 'whois/layouts');
  const layout = (file: string): [string, string] => [file.replace(/^[^.]+\.|\.txt$/g, ''), read(path.join(LAYOUTS, file))];

  it.each([
    ['nicve.google.co.ve.txt', { registrar: null, created_at: '2002-03-29', expires_at: '2015-03-30', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['dnspt.google.pt.txt', { registrar: null, created_at: '2003-01-09', expires_at: '2015-03-01', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['mynic.google.com.my.txt', { registrar: null, created_at: '1999-10-03', expires_at: '2014-10-03', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['kg.google.kg.txt', { registrar: null, created_at: '2005-02-10', expires_at: '2015-03-12', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['sknic-old.google.sk.txt', { registrar: null, created_at: null, expires_at: '2015-07-24', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['thnic.google.co.th.txt', { registrar: 'THNIC', created_at: '2004-10-08', expires_at: '2017-10-07', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['uanic.google.com.ua.txt', { registrar: 'MarkMonitor Inc.', created_at: '2002-12-04', expires_at: '2014-12-04', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['verisign-listing.google.com.txt', { registrar: 'MARKMONITOR INC.', created_at: '1997-09-15', expires_at: '2020-09-14', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['kisa.google.co.kr.txt', { registrar: '(주)아이네임즈', created_at: '1999-08-24', expires_at: '2015-08-24', nameservers: ['ns1.google.com', 'ns2.google.com'] }],
    ['dnslu.google.lu.txt', { registrar: 'Markmonitor', created_at: '2000-04-05', expires_at: null, nameservers: ['ns1.google.com', 'ns2.google.com'] }],
  ])('reads %s', (file, expected) => {
    const [domain, raw] = layout(file);
    expect(classifyWhoisReply(domain, raw)).toEqual({ kind: 'registered', registration: expected });
  });
});

describe('tolerant label grammar', () => {
  it('reads labels with no blank after the colon, but not a time or a URL as a label', () => {
    const raw =
      'Domain Name:GOOGLE.BZ\nCreated On:12-Feb-2006 18:08:52 UTC\nExpiration Date:12-Feb-2015 18:08:52 UTC\n' +
      'Sponsoring Registrar:MarkMonitor, Inc. (R22-LRCC)\nReferral URL:http://www.markmonitor.com\nName Server:NS1.GOOGLE.COM\n';
    expect(parseWhois('google.bz', raw)).toEqual({
      registrar: 'MarkMonitor, Inc.',
      created_at: '2006-02-12',
      expires_at: '2015-02-12',
      nameservers: ['ns1.google.com'],
    });
    expect(parseWhois('x.mo', 'Record created on 2018-02-05 22:59:12.55172\n').created_at).toBe('2018-02-05');
  });

  it('reads dotted leaders, item numbers, multi-space columns and accented labels in other languages', () => {
    const raw =
      ' Complete Domain Name........: ejemplo.cl\n' +
      '1a. Registrador : NIC Chile\n' +
      'Fecha de creación:    2002-10-22 17:48:23 CLST\n' +
      'Fecha de expiración:  2015-10-22 17:48:23 CLST\n' +
      'Servidores de nombre:\n  ns1.ejemplo.cl\n  ns2.ejemplo.cl\n';
    expect(parseWhois('ejemplo.cl', raw)).toEqual({
      registrar: 'NIC Chile',
      created_at: '2002-10-22',
      expires_at: '2015-10-22',
      nameservers: ['ns1.ejemplo.cl', 'ns2.ejemplo.cl'],
    });
  });

  it.each([
    ['Data de criação: 2001-04-01\nData de expiração: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Date de création: 2001-04-01\nDate d\'expiration: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Data di creazione: 2001-04-01\nData di scadenza: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Registriert am: 2001-04-01\nAblaufdatum: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Datum registratie: 2001-04-01\nVervaldatum: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Data rejestracji: 2001-04-01\nData wygaśnięcia: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Datum registrace: 2001-04-01\nPlatnost do: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Oluşturulma Tarihi: 2001-04-01\nBitiş Tarihi: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['Registrerad: 2001-04-01\nUtlöpsdatum: 2030-04-01', '2001-04-01', '2030-04-01'],
    ['[登録年月日] 2001/04/01\n[有効期限] 2030/04/01', '2001-04-01', '2030-04-01'],
    ['注册时间: 2001-04-01\n到期时间: 2030-04-01', '2001-04-01', '2030-04-01'],
  ])('reads creation and expiry labels written %j', (raw, created, expires) => {
    const parsed = parseWhois('example.test', raw);
    expect([parsed.created_at, parsed.expires_at]).toEqual([created, expires]);
  });

  it('never takes an updated or transfer date for the creation or expiry date', () => {
    const raw = 'Fecha de actualización: 2010-01-01\nLast transferred date: 2011-01-01\nTrademark Date Applied For: 2012-01-01\n';
    expect(parseWhois('example.test', raw)).toEqual({ registrar: null, created_at: null, expires_at: null, nameservers: null });
  });

  it('takes the registrar name over its handle, in a block (.it) or in the handle\'s own paragraph (UANIC)', () => {
    const it = 'Registrar\n  Organization:     MarkMonitor International Limited\n  Name:             MARKMONITOR-REG\n';
    expect(parseWhois('google.it', it).registrar).toBe('MarkMonitor International Limited');
    const ua = 'domain: google.ua\nregistrar: ua.markmonitor\n\nregistrar: ua.markmonitor\norganization: MarkMonitor Inc.\n';
    expect(parseWhois('google.ua', ua).registrar).toBe('MarkMonitor Inc.');
  });

  it('does not take a sentence saying no registrar is listed for the registrar', () => {
    const raw = '    Registrar:\n        No registrar listed.  This domain is registered directly with Nominet.\n';
    expect(parseWhois('nominet.uk', raw).registrar).toBeNull();
  });

  it('reads the expiry written into a status line (JPRS, UANIC)', () => {
    expect(parseWhois('google.ne.jp', '[State]                         Connected (2010/09/30)\n').expires_at).toBe('2010-09-30');
    expect(parseWhois('dle.in.ua', 'status:      OK-UNTIL 20131218000000\n').expires_at).toBe('2013-12-18');
  });

  it('reads a slash date day first where the registry writes it so, and not at all where unknown', () => {
    expect(parseWhois('google.im', 'Expiry Date: 03/08/2014 23:59:52\n').expires_at).toBe('2014-08-03');
    expect(parseWhois('example.tk', 'Expiry Date: 03/08/2014\n').expires_at).toBe('2014-03-08');
    expect(parseWhois('example.com', 'Expiry Date: 03/08/2014\n').expires_at).toBeNull();
    expect(parseWhois('example.com', 'Expiry Date: 25/08/2014\n').expires_at).toBe('2014-08-25');
  });
});

describe('"not registered" as a classifier', () => {
  it.each([
    ['nosuchdomain.capetown', 'Available\nDomain: nosuchdomain.capetown\n'],
    ['x.gg', 'Domain Name: x.gg\nDomain Status: Available\n'],
    ['x.ci', 'Domain x.ci not found\n'],
    ['x.ac.uk', 'No such domain x.ac.uk\n'],
    ['x.ax', 'No records matching x.ax found.\n'],
    ['x.bg', 'Domain name x.bg does not exist in database!\n'],
    ['x.tm', 'Domain x.tm is available for purchase\n'],
    ['x.ai', 'Domain x.ai not registred.\n'],
    ['x.kr', 'Above domain name is not registered to KRNIC.\n'],
    ['x.ke', 'Domain Information\nQuery: x.ke\nStatus: Not Registered\n'],
    ['x.se', '"x.se" not found.\n'],
    ['x.cl', 'ejemplo.cl: no existe\n'],
    ['x.pt', 'Nome de domínio não encontrado\n'],
    ['x.de', 'Die Domain wurde nicht gefunden\n'],
    ['x.pl', 'Domena nie istnieje\n'],
    ['x.jp', '該当するデータがありません。\n'],
  ])('calls the reply for %s not registered', (domain, raw) => {
    expect(classifyWhoisReply(domain, raw)).toEqual({ kind: 'not_found' });
  });

  it('calls a reply with no record in it, only its terms and the name echoed, not registered', () => {
    const raw = '% Terms of use: do not abuse this service.\n\nDomain Name: x.example\n\nTERMS OF USE: You are not authorized to access or query our database.\n';
    expect(detectWhoisEmptyRecord('x.example', raw)).toBe(true);
    expect(classifyWhoisReply('x.example', raw)).toEqual({ kind: 'not_found' });
  });

  it('never calls a reply with the domain\'s dates or name servers not registered, whatever it says', () => {
    const raw = 'Domain Name: x.example\nCreation Date: 2001-01-01\nName Server: ns1.x.example\nNot found: the object you asked for\n';
    expect(classifyWhoisReply('x.example', raw).kind).toBe('registered');
  });

  it('does not take a record in an unknown language for an empty one', () => {
    const raw = 'Домен: пример.рф\nСтатус: зарегистрирован\nАдминистратор: ООО Пример\n';
    expect(detectWhoisEmptyRecord('xn--e1afmkfd.xn--p1ai', raw)).toBe(false);
  });

  it('does not read "excessive querying" in terms of use as a rate limit (.hm)', () => {
    const raw =
      'WHOIS database in its sole discretion, including without limitation, for\n' +
      'excessive querying of the WHOIS database or for failure to otherwise\n' +
      'abide by this policy.\n';
    expect(detectWhoisThrottle(raw)).toBe(false);
    expect(detectWhoisThrottle('% Excessive querying, grace period of 2 seconds\n')).toBe(true);
  });
});
