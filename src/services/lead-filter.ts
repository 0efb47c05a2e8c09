/**
 * A lead filter checked before it reaches the database, so bad input is a 422 / BAD_USER_INPUT
 * with its reason instead of a failed statement: dates must be dates, text must be text
 * PostgreSQL can hold (no NUL) and of a sane length, numbers in range. Pure.
 */
import type { LeadFilter } from '../store/store.types.js';
import { InputError, truncateForEcho, type ValidationIssue } from './input.errors.js';

/** Longest tag or search text accepted (characters). */
export const MAX_FILTER_TEXT = 200;

/** `2026-11-28`, `2026-11-28T10:00`, `2026-11-28T10:00:00.123Z`, `...+02:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether `value` is an ISO date or timestamp that names a real instant. */
export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && Number.isFinite(Date.parse(value.replace(' ', 'T')));
}

/** Why a client-supplied text cannot be stored or searched, or null when it can. */
export function textProblem(value: string, max = MAX_FILTER_TEXT): string | null {
  if (value.includes('\0')) return 'must not contain NUL characters';
  if (value.length > max) return `longer than ${max} characters`;
  return null;
}

/**
 * @param where the field names' location in the request (GraphQL: `filter`; REST: `query`)
 * @throws InputError naming every bad field
 */
export function checkLeadFilter(filter: LeadFilter, where: string = 'filter'): LeadFilter {
  const issues: ValidationIssue[] = [];
  const bad = (field: string, msg: string) => issues.push({ loc: [where, field], msg, type: 'value_error' });
  if (filter.scannedSince !== undefined && !isIsoDate(filter.scannedSince)) {
    bad('scannedSince', `"${truncateForEcho(filter.scannedSince, 40)}" is not an ISO date or timestamp (e.g. 2026-11-28 or 2026-11-28T10:00:00Z)`);
  }
  // every text field (provider and segment too: a REST query passes them as given)
  for (const [field, value] of Object.entries(filter)) {
    const problem = typeof value === 'string' && field !== 'scannedSince' ? textProblem(value) : null;
    if (problem) bad(field, problem);
  }
  for (const [field, min, max] of [['minScore', 0, 100], ['priorityScore', 1, 7]] as const) {
    const value = filter[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) bad(field, `must be an integer from ${min} to ${max}`);
  }
  if (issues.length > 0) throw new InputError(`invalid filter: ${issues.map((i) => `${i.loc[1]} ${i.msg}`).join('; ')}`, issues);
  return filter;
}
