import { describe, expect, it } from 'vitest';
import { InputFileError, parseDomainInput } from './input.js';

describe('parseDomainInput', () => {
  it('one domain a line: blanks and # comments skipped, CRLF and BOM handled', () => {
    expect(parseDomainInput('\uFEFFa.com\r\n\r\n# note\r\n  b.org  \n')).toEqual({ entries: ['a.com', 'b.org'], source: 'one per line' });
  });

  it('a CSV: the domain column wins over website and email; quoted cells with commas', () => {
    const csv = 'Company,Website,Domain,Email\n"Acme, Inc",https://www.acme.com,acme.com,x@acme.com\nBeta,,beta.io,\nGamma,,,\n';
    expect(parseDomainInput(csv)).toEqual({ entries: ['acme.com', 'beta.io'], source: 'csv column "domain"' });
  });

  it('a CSV without a domain column uses website, else email; semicolons and tabs too', () => {
    expect(parseDomainInput('name;website\nA;https://a.fr/x\n').entries).toEqual(['https://a.fr/x']);
    expect(parseDomainInput('name\tE-mail\nA\tinfo@b.de\n').entries).toEqual(['info@b.de']);
  });

  it('clear errors: a CSV with no usable column, an empty column, an empty file', () => {
    expect(() => parseDomainInput('name,city\nAcme,Paris\n')).toThrow(new InputFileError('the CSV has no domain, website or email column (columns: name, city)'));
    expect(() => parseDomainInput('domain,name\n,Acme\n')).toThrow('the CSV column "domain" is empty');
    expect(() => parseDomainInput('\n# nothing\n')).toThrow(/no domains in the input/);
  });
});
