import { describe, expect, it } from 'vitest';
import { jsonParam } from './store.values.js';

describe('jsonParam', () => {
  it('is plain JSON when no string holds a NUL', () => {
    const value = [{ job_id: 'j1', position: 3, lead: { domain: 'a.example', tags: ['x', 'y'], registrar: null, score: 0.5 } }];
    expect(jsonParam(value)).toBe(JSON.stringify(value));
  });

  it('drops NUL characters from strings at any depth', () => {
    const value = [{ lead: { registrar: 'Bad\u0000Registrar', tags: ['\u0000a\u0000'] } }];
    expect(JSON.parse(jsonParam(value))).toEqual([{ lead: { registrar: 'BadRegistrar', tags: ['a'] } }]);
  });

  it('keeps the text "\\u0000" that is not a NUL', () => {
    const value = { note: 'literally \\u0000', bad: 'x\u0000' };
    expect(JSON.parse(jsonParam(value))).toEqual({ note: 'literally \\u0000', bad: 'x' });
  });
});
