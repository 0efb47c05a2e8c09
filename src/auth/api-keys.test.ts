import { describe, expect, it } from 'vitest';
import { createKeyMatcher, nameOfBareKey, parseApiKeys } from './api-keys.js';

describe('parseApiKeys', () => {
  it('reads name:key pairs and bare keys, naming a bare key by a stable hash', () => {
    const keys = parseApiKeys(' ops:s3cret , laptop-key ,ci:k:with:colons');
    expect(keys).toEqual([
      { name: 'ops', key: 's3cret' },
      { name: nameOfBareKey('laptop-key'), key: 'laptop-key' },
      { name: 'ci', key: 'k:with:colons' },
    ]);
    expect(nameOfBareKey('laptop-key')).toMatch(/^key-[0-9a-f]{12}$/);
    expect(nameOfBareKey('laptop-key')).toBe(parseApiKeys('laptop-key')[0].name);
    expect(nameOfBareKey('laptop-key')).not.toContain('laptop');
  });

  it('refuses empty halves, odd names and repeated names without echoing a key', () => {
    expect(() => parseApiKeys('ops:')).toThrow(/entry 1/);
    expect(() => parseApiKeys(':secret')).toThrow(/entry 1/);
    expect(() => parseApiKeys('a:1,a:2')).toThrow(/used twice/);
    expect(() => parseApiKeys('bad name:zzz-secret')).toThrow(/key name/);
    try {
      parseApiKeys('ok:k,bad name:zzz-secret');
    } catch (error) {
      expect((error as Error).message).not.toContain('zzz-secret');
    }
    expect(parseApiKeys(undefined)).toEqual([]);
  });
});

describe('createKeyMatcher', () => {
  it('names the key presented, and nothing for a wrong, empty or prefix key', () => {
    const match = createKeyMatcher(parseApiKeys('alice:alpha-key,bob:beta-key'));
    expect(match('alpha-key')).toBe('alice');
    expect(match('beta-key')).toBe('bob');
    expect(match('alpha')).toBeNull();
    expect(match('alpha-key ')).toBeNull();
    expect(match('')).toBeNull();
    expect(match(null)).toBeNull();
  });
});
