/**
 * Case files: load and validate them, and derive synthetic cases for benchmarks by cloning
 * corpus cases under new domain names.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SimCase, SimCaseFile } from './sim.types.js';

const dnsFaultSchema = z.object({
  rcode: z.enum(['NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT']),
  times: z.number().int().nonnegative().optional(),
});

// Strict so that a misspelt record type ("Mx", "AAA") fails loudly instead of reading as NODATA.
const ownerSchema = z.strictObject({
  MX: z.array(z.tuple([z.number().int().min(0).max(65535), z.string().min(1)])).optional(),
  TXT: z.array(z.array(z.string())).optional(),
  NS: z.array(z.string().min(1)).optional(),
  A: z.array(z.ipv4()).optional(),
  AAAA: z.array(z.ipv6()).optional(),
  CNAME: z.string().min(1).optional(),
  _fault: dnsFaultSchema.optional(),
});

const whoisFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('THROTTLE'), reply: z.string(), times: z.number().int().nonnegative().optional() }),
  z.object({ kind: z.literal('TIMEOUT') }),
]);

// Loose objects: fields the simulator does not read (kind, expect, future additions) are kept.
const caseSchema = z.looseObject({
  domain: z.string().min(1),
  kind: z.string().optional(),
  zone: z.record(z.string().min(1), ownerSchema),
  whois: z
    .looseObject({
      raw: z.string().optional(),
      rdap: z.record(z.string(), z.unknown()).optional(),
      fault: whoisFaultSchema.optional(),
    })
    .optional(),
  expect: z.record(z.string(), z.unknown()).optional(),
});

const caseFileSchema = z.looseObject({
  format: z.string().optional(),
  seed: z.number().optional(),
  cases: z.array(caseSchema),
});

/** Validate parsed JSON as a case file. Throws an Error naming the first bad case and field. */
export function parseCaseFile(json: unknown, source = 'cases'): SimCaseFile {
  const parsed = caseFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    let where = path.join('.');
    if (path[0] === 'cases' && typeof path[1] === 'number' && isRecord(json) && Array.isArray(json.cases)) {
      const bad: unknown = json.cases[path[1]];
      if (isRecord(bad) && typeof bad.domain === 'string') where += ` (${bad.domain})`;
    }
    throw new Error(`${source}: invalid case file at ${where || '<root>'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as SimCaseFile;
}

/** Read and validate a case file (`{cases: [...]}`), returning its cases. */
export async function loadCases(path: string): Promise<SimCase[]> {
  const text = await readFile(path, 'utf8');
  return parseCaseFile(JSON.parse(text) as unknown, path).cases;
}

/** Whether the case injects a DNS or WHOIS/RDAP fault (such cases fail or retry on purpose). */
export function caseHasFault(c: SimCase): boolean {
  if (c.whois?.fault) return true;
  return Object.values(c.zone).some((owner) => owner._fault !== undefined);
}

/**
 * Copy a case under another domain: every owner name, record, WHOIS/RDAP text and expected
 * field that mentions the old domain is rewritten, case-insensitively (an all-uppercase mention
 * such as `NS1.ACME.FR` or `No match for "ACME.FR"` gets the uppercase new name).
 * Provider-derived names are rewritten too, because corpus cases embed them:
 * the dashed form (`acme-fr.mail.protection.outlook.com`, `selector1-acme-fr._domainkey...`) and
 * the first label as a host label, with or without its hyphens (`acme.onmicrosoft.com`,
 * `mx1.acme.iphmx.com`). Without that, every clone would share those owners.
 */
export function cloneCase(c: SimCase, newDomain: string): SimCase {
  const rewrite = createDomainRewriter(c.domain, newDomain);
  const copy = mapJsonStrings(c, rewrite) as SimCase;
  copy.domain = newDomain.toLowerCase();
  return copy;
}

/** Options of {@link generateCases}. */
export interface GenerateCasesOptions {
  /** Also clone cases with DNS or WHOIS faults. Default false: benchmarks want clean scans. */
  includeFaults?: boolean;
}

/**
 * Make `n` synthetic cases by cloning `base` cases in turn; case `i` is named
 * `<first label>-g<i>.<rest>` (`acme.com.tr` -> `acme-g7.com.tr`), so names are unique and
 * map back to their template.
 */
export function generateCases(base: SimCase[], n: number, options: GenerateCasesOptions = {}): SimCase[] {
  const pool = options.includeFaults ? base : base.filter((c) => !caseHasFault(c));
  if (n > 0 && pool.length === 0) throw new Error('generateCases: no base case to clone');
  const out: SimCase[] = [];
  for (let i = 0; i < n; i++) {
    const template = pool[i % pool.length];
    out.push(cloneCase(template, generatedDomainName(template.domain, i)));
  }
  return out;
}

/** The name of generated case `i` cloned from a case of `templateDomain`: `acme.com.tr` -> `acme-g7.com.tr`. */
export function generatedDomainName(templateDomain: string, i: number): string {
  const [label, ...rest] = templateDomain.toLowerCase().replace(/\.$/, '').split('.');
  return rest.length ? `${label}-g${i}.${rest.join('.')}` : `${label}-g${i}`;
}

/** Build the string rewriter of {@link cloneCase}. Exported for tests. */
export function createDomainRewriter(oldDomain: string, newDomain: string): (text: string) => string {
  const from = forms(oldDomain);
  const to = forms(newDomain);
  // One alternation, applied in one pass, so replaced text is never matched again (the new name
  // contains the old label). At one position the longest form (the whole domain) is tried first.
  const alternatives = [
    // The domain, not inside a longer name (acme.com must not match myacme.com or acme.com.tr).
    `(?<![a-z0-9-])(${esc(from.domain)})(?![a-z0-9-]|\\.[a-z0-9-])`,
    // acme-com.mail.protection.outlook.com, selector1-acme-com._domainkey...
    `(?<![a-z0-9])(${esc(from.dashed)})(?![a-z0-9-])`,
    // The first label as a label of another host name: acme.onmicrosoft.com, mx1.acme.iphmx.com.
    `(?<![a-z0-9-])(${esc(from.label)})(?=\\.)`,
    `(?<![a-z0-9-])(${esc(from.compact)})(?=\\.)`,
  ];
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  return (text) =>
    text.replace(pattern, (match: string, domain?: string, dashed?: string, label?: string) => {
      const replacement = domain ? to.domain : dashed ? to.dashed : label ? to.label : to.compact;
      const isUpper = match === match.toUpperCase() && match !== match.toLowerCase();
      return isUpper ? replacement.toUpperCase() : replacement;
    });
}

function forms(domain: string): { domain: string; dashed: string; label: string; compact: string } {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const label = d.split('.')[0];
  return { domain: d, dashed: d.replace(/\./g, '-'), label, compact: label.replace(/-/g, '') };
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Deep copy of JSON data with every string and object key passed through `f`. */
function mapJsonStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapJsonStrings(v, f));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[f(k)] = mapJsonStrings(v, f);
    return out;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
