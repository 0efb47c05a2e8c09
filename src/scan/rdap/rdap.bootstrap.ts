/**
 * RDAP service discovery (RFC 9224): TLD -> RDAP base URL from IANA's bootstrap file.
 * A snapshot ships with the service; `refresh()` replaces it with the live file when reachable
 * (at most once per `maxAgeMs`), never blocking a scan on the network.
 */
import snapshot from './rdap.bootstrap.snapshot.json' with { type: 'json' };
import { guardedFetchFor, originOf } from './rdap.fetch.js';

export interface RdapBootstrapFile {
  services: [string[], string[]][];
}

/** Build the TLD -> base URL map of a bootstrap file. Pure. */
export function parseBootstrap(file: unknown): Map<string, string> {
  const map = new Map<string, string>();
  const services = (file as RdapBootstrapFile | null)?.services;
  if (!Array.isArray(services)) return map;
  for (const entry of services) {
    if (!Array.isArray(entry) || !Array.isArray(entry[0]) || !Array.isArray(entry[1])) continue;
    // prefer https (RFC 9224 §3 lists several URLs; clients should prefer https)
    const urls = entry[1].filter((u): u is string => typeof u === 'string');
    const base = urls.find((u) => u.startsWith('https:')) ?? urls[0];
    if (!base) continue;
    for (const tld of entry[0]) if (typeof tld === 'string') map.set(tld.toLowerCase(), base.replace(/\/+$/, ''));
  }
  return map;
}

export interface RdapBootstrapOptions {
  url: string;
  maxAgeMs?: number;
  /** Deadline of one fetch of the file, redirects included (ms, default 3000). */
  fetchTimeoutMs?: number;
  /**
   * Default: the SSRF-guarded fetch (1 MiB, 3 redirects) trusting the origin of `url` (the
   * operator's setting or IANA's); a redirect elsewhere must be https on a public address.
   */
  fetchImpl?: typeof fetch;
}

export function createRdapBootstrap(options: RdapBootstrapOptions) {
  const { url, maxAgeMs = 24 * 3600_000, fetchTimeoutMs = 3000, fetchImpl = guardedFetchFor(originOf(url)) } = options;
  let services = parseBootstrap(snapshot);
  let refreshedAt = 0;
  let refreshing: Promise<boolean> | undefined;

  /** Fetch the live bootstrap file; keeps the current map when unreachable. */
  async function refresh(): Promise<boolean> {
    refreshedAt = Date.now();
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
      if (!response.ok) return false;
      const live = parseBootstrap(await response.json());
      if (live.size === 0) return false;
      services = live;
      return true;
    } catch {
      return false;
    }
  }

  return {
    /**
     * RDAP base URL for a public suffix: the longest entry that matches (`com.tr`, then `tr`),
     * or undefined.
     */
    baseUrlFor(publicSuffix: string): string | undefined {
      if (!refreshing && Date.now() - refreshedAt > maxAgeMs) {
        refreshing = refresh().finally(() => (refreshing = undefined));
      }
      const labels = publicSuffix.toLowerCase().split('.');
      for (let i = 0; i < labels.length; i++) {
        const base = services.get(labels.slice(i).join('.'));
        if (base) return base;
      }
      return undefined;
    },
    refresh,
    get size() {
      return services.size;
    },
  };
}

export type RdapBootstrap = ReturnType<typeof createRdapBootstrap>;
