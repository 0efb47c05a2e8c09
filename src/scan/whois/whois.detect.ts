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

function anyLine(raw: string, patterns: readonly RegExp[]): boolean {
  return raw.split(/\r?\n|\r/).some((line) => {
    const text = stripLineMarks(line);
    return text !== '' && patterns.some((pattern) => pattern.test(text));
  });
}

const THROTTLE_PATTERNS: readonly RegExp[] = [
  /\blimit exceeded\b/i, // PIR `WHOIS LIMIT EXCEEDED`, NASK, SIDN `whois-limit exceeded`, CZ.NIC
  /\bconnection limit\b/i,
  /\baccess control limit\b/i, // DENIC
  /\btoo many (?:requests|queries|connections)\b/i, // AFNIC, DK Hostmaster
  /\bquery rate (?:limit )?(?:exceeded|reached)\b/i,
  /\bexceeded (?:the |your )?(?:query )?rate\b/i,
  /\b(?:exceeded your quota|quota (?:of queries )?(?:has been |was )?exceeded|quota\b.{0,40}\bhas been exceeded)/i, // MarkMonitor, Nominet, Yachay
  /\btry again later\b/i,
  /\bmaximum (?:number of )?queries per \w+ reached\b/i, // DNS Belgium
  /\bexcessive querying\b/i,
  /\bstill in grace period\b/i, // EURid
  /\bplease go away\b/i, // ZACR
  /\brate limit(?:ed|ing)?\b.{0,30}\b(?:exceeded|reached|active)\b/i,
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
  /^not found\b/i, // `NOT FOUND`, CIRA `Not found: x`
  /^no found$/i, // TWNIC
  /^(?:the )?domain (?:name )?(?:"[^"]*" )?(?:was )?not found\b/i, // `Domain not found.`, IIS `domain "x" not found.`
  /^the requested domain was not found\b/i, // KISA
  /\bno entries found\b/i, // AFNIC, RIPN, DK Hostmaster, IRNIC
  /^no data found$/i,
  /^no matching (?:record|objects?)\b/i, // CNNIC
  /\bquer(?:y|ied) object does not exist\b/i, // `The queried object does not exist`
  /^object does not exist\b/i,
  /^domain status:\s*no object found\b/i, // CoCCA
  /\b(?:has|have) not been registered\b/i, // Nominet, HKIRC
  /\bdomain(?: name)? is not registered\b/i, // SWITCH, RNIDS `%ERROR:103: Domain is not registered`
  /\bis available for registration\b/i,
  /^not available for (?:second level )?registration\b/i, // Verisign .name: reserved names
  /^status:\s*(?:free|available)\b/i, // DENIC, EURid, .it
  /^\S+ is free$/i, // SIDN
  /^query_status:\s*220\b/i, // InternetNZ `220 Available`
  /^nothing found for this query\b/i, // KazNIC
  /^no information available about domain name\b/i, // NASK
  /^invalid query or domain name not known\b/i, // Dot TK
  /\bthis query returned 0 objects\b/i, // IANA
];

/**
 * Whether a WHOIS reply says the domain is not registered (`No match for "X".`, `NOT FOUND`,
 * `Status: free`, `... is available for registration`). Check for throttling first: AFNIC
 * appends "No entries found" to its rate-limit refusal.
 */
export function detectWhoisNotFound(raw: string): boolean {
  return anyLine(raw, NOT_FOUND_PATTERNS);
}
