import { describe, expect, it } from 'vitest';
import { parseDmarc, pickDmarcRecord } from './dmarc.js';

describe('pickDmarcRecord', () => {
  it('picks the record starting with v=DMARC1, strings joined without separator', () => {
    const txt = [['some-other=token'], ['v=DMARC1; p=re', 'ject; pct=50']];
    expect(pickDmarcRecord(txt)).toBe('v=DMARC1; p=reject; pct=50');
  });

  it('accepts whitespace around the version tag and a lowercase tag name', () => {
    expect(pickDmarcRecord([['V = DMARC1 ; p=none']])).toBe('V = DMARC1 ; p=none');
    expect(pickDmarcRecord([['v=DMARC1']])).toBe('v=DMARC1');
  });

  it('ignores records whose version is not exactly DMARC1 or is not the first tag', () => {
    expect(pickDmarcRecord([['v=dmarc1; p=none']])).toBeNull();
    expect(pickDmarcRecord([['v=DMARC10; p=none']])).toBeNull();
    expect(pickDmarcRecord([['p=none; v=DMARC1']])).toBeNull();
  });

  it('returns null when there is no record', () => {
    expect(pickDmarcRecord([])).toBeNull();
    expect(pickDmarcRecord([['v=spf1 -all']])).toBeNull();
  });

  it('returns null when there are several DMARC records (RFC 7489 6.6.3: no DMARC applies)', () => {
    expect(pickDmarcRecord([['v=DMARC1; p=reject'], ['v=DMARC1; p=none']])).toBeNull();
  });
});

describe('parseDmarc', () => {
  it('reads p as the policy', () => {
    expect(parseDmarc('v=DMARC1; p=quarantine').policy).toBe('quarantine');
  });

  it('does not read sp= as p= when sp comes first', () => {
    expect(parseDmarc('v=DMARC1; sp=none; p=reject').policy).toBe('reject');
  });

  it('does not read sp= as p= when there is no p tag', () => {
    expect(parseDmarc('v=DMARC1; sp=reject').policy).toBeNull();
  });

  it('lowercases tag names and the policy value', () => {
    const dmarc = parseDmarc('v=DMARC1; P=Reject; RUA=mailto:Dmarc@Example.com');
    expect(dmarc.policy).toBe('reject');
    expect(dmarc.tags).toEqual({ v: 'DMARC1', p: 'Reject', rua: 'mailto:Dmarc@Example.com' });
  });

  it('gives a null policy for an invalid p value', () => {
    expect(parseDmarc('v=DMARC1; p=block').policy).toBeNull();
    expect(parseDmarc('v=DMARC1; p=').policy).toBeNull();
  });

  it('keeps the first occurrence of a repeated tag', () => {
    expect(parseDmarc('v=DMARC1; p=reject; p=none').policy).toBe('reject');
  });

  it('trims whitespace around tags and values and skips empty or malformed parts', () => {
    const dmarc = parseDmarc('v=DMARC1 ;  p = quarantine ;; junk ; pct = 40 ;');
    expect(dmarc.policy).toBe('quarantine');
    expect(dmarc.coverage).toBe(40);
    expect(dmarc.tags).toEqual({ v: 'DMARC1', p: 'quarantine', pct: '40' });
  });

  it('keeps the raw record', () => {
    expect(parseDmarc('v=DMARC1; p=none').raw).toBe('v=DMARC1; p=none');
  });

  it('defaults coverage to 100 when pct is absent', () => {
    expect(parseDmarc('v=DMARC1; p=none').coverage).toBe(100);
  });

  it.each([
    ['25', 25],
    ['0', 0],
    ['100', 100],
    ['150', 100],
    ['-5', 0],
    ['abc', 100],
    ['', 100],
    ['50.5', 100],
  ] as const)('maps pct=%s to coverage %d', (pct, coverage) => {
    expect(parseDmarc(`v=DMARC1; p=reject; pct=${pct}`).coverage).toBe(coverage);
  });

  it('cannot be made to touch the prototype by a __proto__ tag', () => {
    const dmarc = parseDmarc('v=DMARC1; __proto__=x; p=none');
    expect(Object.getPrototypeOf(dmarc.tags)).toBe(Object.prototype);
    expect(dmarc.tags.__proto__).toBe('x');
  });
});
