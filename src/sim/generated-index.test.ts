import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../test/helpers/corpus.js';
import { createCaseIndex, normalizeName } from './case-index.js';
import { answerDnsQuestion } from './dns-answer.js';
import { createFaultCounters } from './fault-counters.js';
import { createGeneratedIndex, layerIndexes } from './generated-index.js';
import { answerRegistryQuery } from './registry-answer.js';
import { generateCases, generatedDomainName } from './sim.cases.js';

const corpus = loadCorpus();
const N = corpus.length * 3 + 7;
// generateCases with faults clones corpus[i % length] as case i: the same templates, eagerly
const eagerCases = generateCases(corpus, N, { includeFaults: true });
const templates = Array.from({ length: N }, (_, i) => corpus[i % corpus.length]);

/** Every name a case owns, the names between them and its domain, and names nobody owns. */
function namesOf(domain: string, owners: string[]): string[] {
  const names = new Set<string>();
  for (const owner of owners) {
    let at = normalizeName(owner);
    names.add(at);
    names.add(`nope.${at}`);
    while (at.includes('.') && at !== domain) {
      at = at.slice(at.indexOf('.') + 1);
      names.add(at);
    }
  }
  names.add(`selector9._domainkey.${domain}`);
  return [...names];
}

describe('generated cases on demand', () => {
  it('names case i as generateCases does', () => {
    expect(eagerCases.map((c) => c.domain)).toEqual(templates.map((t, i) => generatedDomainName(t.domain, i)));
  });

  it('answers every DNS and registry question exactly as the eager clones do, also with a tiny cache', () => {
    const eager = createCaseIndex(eagerCases);
    // names every clone shares (provider hosts) come from one eager clone per template
    const shared = createCaseIndex(generateCases(corpus, corpus.length, { includeFaults: true }));
    const generated = createGeneratedIndex(templates, { cacheSize: 3 });
    const lazy = layerIndexes(shared, generated);
    const eagerFaults = createFaultCounters();
    const lazyFaults = createFaultCounters();
    let asked = 0;
    for (const c of eagerCases) {
      for (const name of namesOf(c.domain, Object.keys(c.zone))) {
        for (const type of ['MX', 'TXT', 'A', 'CNAME']) {
          expect(answerDnsQuestion(name, type, lazy, lazyFaults), `${name} ${type}`).toEqual(answerDnsQuestion(name, type, eager, eagerFaults));
          asked++;
        }
      }
      expect(answerRegistryQuery(c.domain, lazy, lazyFaults)).toEqual(answerRegistryQuery(c.domain, eager, eagerFaults));
      expect(lazy.findCase(c.domain)?.domain).toBe(c.domain);
    }
    expect(asked).toBeGreaterThan(N * 8);
    expect(lazy.tlds()).toEqual(eager.tlds());
  });

  it('keeps at most cacheSize clones built and rebuilds an evicted one', () => {
    const generated = createGeneratedIndex(templates, { cacheSize: 2 });
    const domain = (i: number) => generatedDomainName(templates[i].domain, i);
    generated.findCase(domain(0));
    generated.findCase(domain(1));
    generated.findCase(domain(0)); // cached: 0 becomes the most recent
    expect(generated.built).toBe(2);
    generated.findCase(domain(2)); // evicts 1
    generated.findCase(domain(0));
    expect(generated.built).toBe(3);
    expect(generated.findCase(domain(1))?.domain).toBe(domain(1));
    expect(generated.built).toBe(4);
  });

  it('knows no name outside its range or without a number', () => {
    const generated = createGeneratedIndex(templates.slice(0, 10));
    const beyond = generatedDomainName(templates[12].domain, 12);
    expect(generated.findCase(beyond)).toBeUndefined();
    expect(generated.findOwner(beyond)).toBeUndefined();
    expect(generated.findOwner('example.com')).toBeUndefined();
    expect(generated.isEmptyNonTerminal(`_domainkey.${beyond}`)).toBe(false);
    expect(generated.findWhois(`g99999999999999999999.com`)).toBeUndefined();
    expect(generated.size).toBe(10);
  });
});
