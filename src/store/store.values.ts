/** Value conversions between JavaScript and SQL shared by the repositories. */
import { InputError } from '../services/input.errors.js';

/**
 * A batch as one `jsonb` parameter (`jsonb_to_recordset($1::jsonb)`): one round trip and one
 * statement text whatever the batch size, the same on both engines. NUL characters are dropped:
 * PostgreSQL text and jsonb cannot hold them, and one would fail the whole batch.
 */
export function jsonParam(value: unknown): string {
  // JSON writes a NUL as \u0000: without one, the plain (much faster) serialisation is the answer
  const plain = JSON.stringify(value);
  if (plain !== undefined && !plain.includes('\\u0000')) return plain;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '') : v));
}

/** A `timestamptz` value (a `Date` from either engine) as an ISO string. */
export function isoTimestamp(value: Date | string): string;
export function isoTimestamp(value: Date | string | null): string | null;
export function isoTimestamp(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** An opaque cursor for keyset pagination: the sort key of the last row, base64url JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Read a cursor made by {@link encodeCursor} whose key has the given element types.
 * @throws InputError when the cursor is not one of ours
 */
export function decodeCursor<T extends readonly ('string' | 'number' | 'timestamp')[]>(
  cursor: string,
  types: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    Array.isArray(key) &&
    key.length === types.length &&
    key.every((part, i) => {
      // the numeric sort keys are integer columns: 1e300 would fail the statement's ::int cast
      if (types[i] === 'number') return Number.isSafeInteger(part);
      // a forged cursor must not reach SQL: no NUL (text cannot hold one), a timestamp that parses
      if (typeof part !== 'string' || part.includes('\0') || part.length > 300) return false;
      return types[i] !== 'timestamp' || Number.isFinite(Date.parse(part));
    });
  if (!valid) {
    throw new InputError('invalid cursor', [{ loc: ['after'], msg: 'invalid cursor', type: 'value_error' }]);
  }
  return key as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** Maximum page size of the list queries; a larger `first` is capped to it. */
export const MAX_PAGE_SIZE = 1000;

/**
 * `first` of a list query checked and capped to {@link MAX_PAGE_SIZE}.
 * @throws InputError when it is not a positive integer
 */
export function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1) {
    throw new InputError('first must be a positive integer', [{ loc: ['first'], msg: 'must be a positive integer', type: 'value_error' }]);
  }
  return Math.min(first, MAX_PAGE_SIZE);
}
