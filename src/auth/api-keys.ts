/**
 * API keys: `SCOUT_API_KEYS="name:key,..."`. A bare `key` still works; its name is a stable
 * hash of the key (so the jobs it owns stay its own across restarts), never the key itself.
 * Keys are compared in constant time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiKey {
  /** Shown in logs and stored as a job's owner. */
  name: string;
  key: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The stable name of a bare key: `key-` and 12 hex characters of its SHA-256. */
export const nameOfBareKey = (key: string) => `key-${digest(key).toString('hex').slice(0, 12)}`;

/**
 * Parse the variable's value. Throws with a message naming the entry (by position, never by
 * value) when an entry is empty on either side of the colon or a name repeats.
 */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (!value) return [];
  const keys: ApiKey[] = [];
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const key = colon < 0 ? entry : entry.slice(colon + 1).trim();
    const name = colon < 0 ? nameOfBareKey(entry) : entry.slice(0, colon).trim();
    if (!name || !key) throw new Error(`entry ${index + 1} must be "name:key" or a bare key`);
    if (!/^[\w.@-]{1,64}$/.test(name)) throw new Error(`entry ${index + 1}: a key name is 1-64 letters, digits, "_", ".", "@" or "-"`);
    if (keys.some((k) => k.name === name)) throw new Error(`entry ${index + 1}: the name "${name}" is used twice`);
    keys.push({ name, key });
  });
  return keys;
}

/** A matcher over the configured keys: the name of the key presented, or null. */
export function createKeyMatcher(keys: ApiKey[]) {
  const digests = keys.map((k) => ({ name: k.name, digest: digest(k.key) }));
  return function match(presented: string | null | undefined): string | null {
    if (!presented) return null;
    const candidate = digest(presented);
    let found: string | null = null;
    // every key is compared, so the time does not tell which (or whether one) matched
    for (const entry of digests) {
      if (timingSafeEqual(entry.digest, candidate) && found === null) found = entry.name;
    }
    return found;
  };
}
