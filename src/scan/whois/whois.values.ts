/**
 * Cleaning of single values, shared by the WHOIS and RDAP parsers: name server host names and
 * registrar names.
 */

const HOSTNAME = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9-]*[a-z][a-z0-9-]*$/;

/**
 * The host name in a name server value, lowercase without the trailing dot; null when the value
 * holds none. Glue and status decorations are dropped: `ns1.x.com 1.2.3.4`,
 * `ns1.x.com (1.2.3.4)`, `ns1.x.com [OK]`, `ns1.paukhost.com -`.
 */
export function normalizeNameserver(value: string): string | null {
  const first = value.trim().split(/[\s,;()[\]]+/)[0] ?? '';
  // RFC 1035: 253 characters at most. Checked first: the pattern below backtracks on long junk.
  if (first.length > 254) return null;
  const host = first.toLowerCase().replace(/\.+$/, '');
  // The last label must hold a letter, which rules out IPv4 glue written alone on a line.
  return HOSTNAME.test(host) ? host : null;
}

/** Normalised, deduplicated, sorted host names; null when there are none. */
export function normalizeNameservers(values: Iterable<string>): string[] | null {
  const hosts = new Set<string>();
  for (const value of values) {
    const host = normalizeNameserver(value);
    if (host) hosts.add(host);
  }
  return hosts.size > 0 ? [...hosts].sort() : null;
}

/** Values registries put where a name is withheld or unknown. */
const PLACEHOLDER =
  /^(?:-+|\.|n\/?a|na|none|null|unknown|not (?:disclosed|available|applicable)|hidden upon user request|redacted.*|data (?:protected|redacted).*|private|privado|gdpr.*|non-public data|no registrar (?:listed|assigned|available).*|not listed)$/i;

/**
 * The registrar's name as written, or null when the value is not a name: a URL, an IANA ID,
 * a WHOIS server or a privacy placeholder. Registry decorations are dropped: Nominet's
 * `[Tag = OVH]`, nic.at's and KISA's `(https://...)` link.
 */
export function normalizeRegistrarName(value: string): string | null {
  const name = value
    .replace(/\[\s*tag\s*=[^\]]*\]/i, '')
    .replace(/\(\s*https?:\/\/[^)]*\)\s*$/i, '')
    // A registry's handle or IANA ID after the name: `MarkMonitor, Inc. (R22-LRCC)`, `(292)`.
    .replace(/\s*\(\s*(?:\d+|[A-Z0-9]+(?:-[A-Z0-9]+)+)\s*\)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name === '' || PLACEHOLDER.test(name)) return null;
  if (/^https?:\/\//i.test(name) || /^whois\.[a-z0-9.-]+$/i.test(name) || /^\d+$/.test(name)) return null;
  return name;
}
