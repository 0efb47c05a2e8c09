/**
 * Recognising the two WHOIS replies that carry no record: a rate-limit refusal (transient: back
 * off and retry) and "no such domain" (permanent: the domain is not registered).
 *
 * Both match whole phrases, line by line, never single words: legitimate replies carry terms of
 * use full of "limit", "quota" and "available" (Nominet: "exceeding query rate or volume limits",
 * DNS Belgium: "check whether a specific domain name is still available").
 */

/** Leading comment and banner marks: `%%`, `#`, `>>>`, `***`, `-1:`. */
function stripLineMarks(line: string): string {
  return line
    .trim()
    .replace(/^(?:[%#>*]+|-?\d+:)\s*/, '')
    .trim();
}

/**
 * Status lines are short; longer lines are terms of use written one paragraph per line (Donuts:
 * "If too many queries are received from a single IP address...").
 */
const MAX_STATUS_LINE = 160;

function anyLine(raw: string, patterns: readonly RegExp[]): boolean {
  return raw.split(/\r?\n|\r/).some((line) => {
    const text = stripLineMarks(line);
    return text !== '' && text.length <= MAX_STATUS_LINE && patterns.some((pattern) => pattern.test(text));
  });
}

const THROTTLE_PATTERNS: readonly RegExp[] = [
  /\blimit exceeded\b/i, // PIR `WHOIS LIMIT EXCEEDED`, NASK, SIDN `whois-limit exceeded`, CZ.NIC
  /\bconnection limit (?:exceeded|reached)\b/i,
  /\baccess control limit (?:exceeded|reached)\b/i, // DENIC
  /^too many (?:requests|queries|connections)\b(?! (?:are|were|from)\b)/i, // AFNIC, DK Hostmaster
  /\bquery rate\b.{0,20}\b(?:exceeded|reached)\b/i,
  /\bexceeded (?:the |your )?query rate\b/i,
  /\bexceeded your quota\b/i, // MarkMonitor
  /\bquota\b.{0,40}\bexceeded\b/i, // Nominet `query quota for x has been exceeded`, Yachay
  /\btry again later\b/i, // SIDN
  /^maximum (?:number of )?queries per \w+ reached\b/i, // DNS Belgium
  /^excessive querying\b/i, // DNS Belgium
  /\bstill in grace period\b/i, // EURid
  /^please go away\b/i, // ZACR
  /\brate limit (?:exceeded|reached)\b/i,
  /^query_status:\s*440\b/i, // InternetNZ `440 Request Denied`
];

/**
 * Whether a WHOIS reply is a rate-limit refusal. An empty or blank reply counts: registries that
 * throttle silently just close the connection.
 */
export function detectWhoisThrottle(raw: string): boolean {
  if (raw.trim() === '') return true;
  return anyLine(raw, THROTTLE_PATTERNS);
}

const NOT_FOUND_PATTERNS: readonly RegExp[] = [
  /^no match\b/i, // Verisign `No match for "X".`, JPRS `No match!!`, EDUCAUSE `NO MATCH:`
  /\/ no match$/i, // .hu `Nincs talalat / No match`
  /^not found(?:\s*[.:!]|$)/i, // `NOT FOUND`, CIRA `Not found: x`
  /^no found$/i, // TWNIC
  /^(?:the )?domain (?:name )?(?:"[^"]*" )?(?:was )?not found\b/i, // `Domain not found.`, IIS `domain "x" not found.`
  /^the requested domain was not found\b/i, // KISA
  /^(?:error:\s*\d+:\s*)?no entries found\b/i, // AFNIC, RIPN, DK Hostmaster, IRNIC `%ERROR:101: no entries found`
  /^no data found$/i,
  /^no matching (?:record|objects?)\b/i, // CNNIC
  /^the queried object does not exist\b/i,
  /^object does not exist\b/i,
  /^domain status:\s*no object found\b/i, // CoCCA
  /^(?:this|the) domain(?: name)? has not been registered\b/i, // Nominet, HKIRC
  /^(?:error:\s*\d+:\s*)?(?:the )?domain(?: name)? is not registered\b/i, // SWITCH, RNIDS `%ERROR:103: Domain is not registered`
  /^(?:domain )?\S+ is available for registration\b/i, // Uniregistry `>>> Domain x is available for registration`
  /^not available for (?:second level )?registration\b/i, // Verisign .name: reserved names
  /^status:\s*(?:free|available)\b/i, // DENIC, EURid, .it
  /^\S+ is free$/i, // SIDN
  /^query_status:\s*220\b/i, // InternetNZ `220 Available`
  /^nothing found for this query\b/i, // KazNIC
  /^no information available about domain name\b/i, // NASK
  /^invalid query or domain name not known\b/i, // Dot TK
  /^this query returned 0 objects\b/i, // IANA
];

/**
 * Whether a WHOIS reply says the domain is not registered (`No match for "X".`, `NOT FOUND`,
 * `Status: free`, `... is available for registration`). Check for throttling first: AFNIC
 * appends "No entries found" to its rate-limit refusal.
 */
export function detectWhoisNotFound(raw: string): boolean {
  return anyLine(raw, NOT_FOUND_PATTERNS);
}
