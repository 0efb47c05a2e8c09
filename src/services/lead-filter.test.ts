import { describe, expect, it } from 'vitest';
import { InputError } from './input.errors.js';
import { checkLeadFilter, isIsoDate } from './lead-filter.js';

describe('checkLeadFilter', () => {
  it('accepts ISO dates and timestamps, refuses anything else', () => {
    for (const ok of ['2026-11-28', '2026-11-28T10:00', '2026-11-28T10:00:00Z', '2026-11-28T10:00:00.123+02:00', '2026-11-28 10:00:00']) expect(isIsoDate(ok)).toBe(true);
    for (const bad of ['not-a-date', '2026-13-45', '28/11/2026', '2026-11-28T25:00:00Z', '', '2026-11-28\u0000']) expect(isIsoDate(bad)).toBe(false);
  });

  it('names every bad field in one InputError', () => {
    let error: unknown;
    try {
      checkLeadFilter({ scannedSince: 'yesterday', tag: 'a\u0000b', search: 'x'.repeat(201), minScore: 101 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => i.loc[1])).toEqual(['scannedSince', 'tag', 'search', 'minScore']);
  });

  it('passes a good filter through unchanged', () => {
    const filter = { scannedSince: '2026-11-01', tag: 'migration-ready', minScore: 60, priorityScore: 2 };
    expect(checkLeadFilter(filter)).toBe(filter);
  });
});
