/**
 * Companies (`POST /ingest/domain`, the rows of `POST /ingest/csv`): a stable integer id per
 * registrable domain. Ingesting records a company; it gates nothing (scans never require it).
 */
import { normalizeDomain } from '../scan/normalize.js';
import type { CompanyRepository } from '../store/companies.repository.js';
import { InputError } from './input.errors.js';

/** What a client sends for one company (the body of `POST /ingest/domain`, a CSV row). */
export interface CompanyFields {
  domain?: unknown;
  company_name?: unknown;
  email?: unknown;
  website?: unknown;
}

/** A company entry resolved to its domain, or the reason it has none. */
export type ResolvedCompany =
  | { ok: true; domain: string; companyName: string | null; email: string | null; website: string | null }
  | { ok: false; error: string };

/** Longest company name, e-mail or website kept (characters). */
const MAX_TEXT = 500;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_TEXT) : null);

/**
 * The domain of a company entry: `domain` normalised as for scans, replaced by the domain of
 * `website`, else of `email` (after its last `@`), when that one is valid. Pure.
 */
export function resolveCompany(fields: CompanyFields): ResolvedCompany {
  const email = text(fields.email);
  const website = text(fields.website);
  const fromWebsite = website ? normalizeDomain(website) : null;
  const fromEmail = email && email.includes('@') ? normalizeDomain(email.slice(email.lastIndexOf('@') + 1)) : null;
  const fromDomain = normalizeDomain(fields.domain ?? '');
  const chosen = [fromWebsite, fromEmail, fromDomain].find((r) => r?.ok) ?? fromDomain;
  if (!chosen.ok) return { ok: false, error: chosen.error };
  return { ok: true, domain: chosen.domain, companyName: text(fields.company_name), email, website };
}

export function createCompaniesService(repo: CompanyRepository) {
  return {
    /**
     * Upsert one company. `domain` is required (a website or e-mail only refines it).
     * @throws InputError when the domain is missing, empty or invalid
     */
    async ingestDomain(body: CompanyFields): Promise<{ domain: string; companyId: number }> {
      if (typeof body.domain !== 'string' || body.domain.trim() === '') {
        const missing = body.domain === undefined || body.domain === null;
        throw new InputError(missing ? 'field required: domain' : 'domain must be a non-empty string', [
          { loc: ['body', 'domain'], msg: missing ? 'field required' : 'must be a non-empty string', type: missing ? 'value_error.missing' : 'value_error' },
        ]);
      }
      const resolved = resolveCompany(body);
      if (!resolved.ok) throw new InputError(resolved.error, [{ loc: ['body', 'domain'], msg: resolved.error, type: 'value_error.domain' }]);
      const ids = await repo.upsertMany([resolved]);
      return { domain: resolved.domain, companyId: ids.get(resolved.domain)! };
    },

    /** Upsert resolved companies in one transaction; returns each domain's id. */
    upsertMany: (companies: readonly (ResolvedCompany & { ok: true })[]) => repo.upsertMany(companies),
  };
}

export type CompaniesService = ReturnType<typeof createCompaniesService>;
