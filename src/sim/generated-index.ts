/**
 * Generated cases served on demand: case `i` is `templates[i]` cloned as
 * `generatedDomainName(templates[i].domain, i)` (the names `generateCases` gives), built the
 * first time one of its names is asked and kept in a bounded LRU. A simulator can so serve a
 * million generated domains without holding a million cloned zones (a few GB).
 *
 * Every name a clone owns carries its number: the domain (`acme-g7.com`), names under it, and
 * the provider-derived hosts the clone rewrites (`acme-g7-com.mail.protection.outlook.com`,
 * `acme-g7.onmicrosoft.com`, `acmeg7.iphmx.com`). A query is matched to the clones whose number
 * appears in it (`g<digits>`), each looked up in its own small index. Names no clone rewrites
 * (provider hosts all clones share) are not here: layer this under an index of one eager clone
 * per template (see {@link layerIndexes}).
 */
import { createCaseIndex, type CaseIndex, type FaultSite, type OwnerData } from './case-index.js';
import { cloneCase, generatedDomainName } from './sim.cases.js';
import type { SimCase, SimWhois } from './sim.types.js';

/** Options of {@link createGeneratedIndex}. */
export interface GeneratedIndexOptions {
  /** Clones kept built (least recently asked dropped first). Default 8192. */
  cacheSize?: number;
}

const NUMBER = /g(\d+)/g;

/** An index over `templates.length` generated cases, built lazily. */
export function createGeneratedIndex(templates: readonly SimCase[], options: GeneratedIndexOptions = {}): CaseIndex & { readonly built: number } {
  const cacheSize = Math.max(1, options.cacheSize ?? 8192);
  const cache = new Map<number, CaseIndex>();
  let built = 0;

  function indexOf(i: number): CaseIndex {
    let index = cache.get(i);
    if (index) {
      // most recently used last
      cache.delete(i);
      cache.set(i, index);
      return index;
    }
    const template = templates[i];
    index = createCaseIndex([cloneCase(template, generatedDomainName(template.domain, i))]);
    built++;
    cache.set(i, index);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return index;
  }

  /** The first answer of the clones whose number the name carries. */
  function first<T>(name: string, ask: (index: CaseIndex) => T | undefined): T | undefined {
    for (const match of name.matchAll(NUMBER)) {
      const i = Number(match[1]);
      if (!Number.isSafeInteger(i) || i >= templates.length) continue;
      const answer = ask(indexOf(i));
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  const tlds = [...new Set(templates.map((t) => t.domain.toLowerCase().replace(/\.$/, '').split('.').pop() ?? ''))].filter(Boolean).sort();

  return {
    findOwner: (name): OwnerData | undefined => first(name, (index) => index.findOwner(name)),
    isEmptyNonTerminal: (name) => first(name, (index) => (index.isEmptyNonTerminal(name) ? true : undefined)) ?? false,
    findFault: (name): FaultSite | undefined => first(name, (index) => index.findFault(name)),
    findCase: (domain): SimCase | undefined => first(domain, (index) => index.findCase(domain)),
    findWhois: (domain): SimWhois | undefined => first(domain, (index) => index.findWhois(domain)),
    tlds: () => tlds,
    size: templates.length,
    get built() {
      return built;
    },
  };
}

/** `primary` first, then `fallback`, for every lookup (the first index that knows a name wins). */
export function layerIndexes(primary: CaseIndex, fallback: CaseIndex): CaseIndex {
  return {
    findOwner: (name) => primary.findOwner(name) ?? fallback.findOwner(name),
    isEmptyNonTerminal: (name) => primary.isEmptyNonTerminal(name) || (primary.findOwner(name) === undefined && fallback.isEmptyNonTerminal(name)),
    findFault: (name) => primary.findFault(name) ?? fallback.findFault(name),
    findCase: (domain) => primary.findCase(domain) ?? fallback.findCase(domain),
    findWhois: (domain) => primary.findWhois(domain) ?? fallback.findWhois(domain),
    tlds: () => [...new Set([...primary.tlds(), ...fallback.tlds()])].sort(),
    get size() {
      return primary.size + fallback.size;
    },
  };
}
