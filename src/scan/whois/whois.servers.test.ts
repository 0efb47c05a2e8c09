import { describe, expect, it } from 'vitest';
import { lookupWhoisServer, parseIanaReferral } from './whois.servers.js';

describe('parseIanaReferral', () => {
  it('takes the refer: host of an IANA reply', () => {
    expect(parseIanaReferral('domain:       TR\nrefer:        whois.trabis.gov.tr\n')).toBe('whois.trabis.gov.tr');
    expect(parseIanaReferral('whois:  WHOIS.NIC.EXAMPLE\n')).toBe('whois.nic.example');
    expect(parseIanaReferral('no referral here')).toBeUndefined();
  });

  it('refuses a referral that names a port or an address literal: referrals go to port 43 of a name', () => {
    expect(parseIanaReferral('refer: whois.evil.example:6379\n')).toBeUndefined();
    expect(parseIanaReferral('refer: 127.0.0.1\n')).toBeUndefined();
    expect(parseIanaReferral('refer: [::1]\n')).toBeUndefined();
    expect(parseIanaReferral('refer: http://whois.example/\n')).toBeUndefined();
  });

  it('the shipped table answers the longest suffix', () => {
    expect(lookupWhoisServer('com.tr')).toBe('whois.trabis.gov.tr');
    expect(lookupWhoisServer('example')).toBeUndefined();
  });
});
