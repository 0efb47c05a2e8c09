/**
 * Recognising the two WHOIS replies that carry no record: a rate-limit refusal (transient: back
 * off and retry) and "no such domain" (permanent: the domain is not registered).
 *
 * Both match whole phrases, line by line, never single words: legitimate replies carry terms of
 * use full of "limit", "quota" and "available" (Nominet: "exceeding query rate or volume limits",
 * DNS Belgium: "check whether a specific domain name is still available").
 */
import { extractWhoisFields } from './whois.fields.js';
import { isDomainLabel } from './whois.labels.js';

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
  // DNS Belgium `Excessive querying, grace period of 2 seconds`; not the terms of use that
  // reserve the right to cut access "for excessive querying of the WHOIS database" (.hm).
  /^excessive querying(?:\s*[,:;(-]|\s*$)/i,
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
  // The same statements in the wordings other registries use.
  /^available\.?$/i, // ZACR (.za, .capetown, .durban): a bare `Available`
  /^(?:domain )?status:\s*(?:available|free|not registered|unregistered|no object found|libre|disponible|livre|vrij|frei|volna|volny|wolna|bos)\b/i, // CoCCA, KENIC, CIRA
  /^not regist(?:e)?red\b/i, // IEDR `Not Registered - ...`
  /^(?:the )?(?:above )?(?:domain(?: name)?|name|object)?\s*(?:"[^"]*"|\S+\.\S+)?\s*(?:is|was|has) not (?:been )?(?:a )?regist(?:e)?red\b/i, // KRNIC, 1&1
  /^(?:domain(?: name)? )?(?:"[^"]*"|\S+\.\S+) not regist(?:e)?red\b/i, // .ai `Domain x not registred.`
  /^no records? (?:matching|found)\b/i, // .ax `No records matching x found.`, UANIC `No records found for object`
  /^no such domain\b/i, // JANET
  /^(?:the )?(?:domain(?: name)?|object|entry|name)\s+(?:"[^"]*"|\S+\.\S+)\s+(?:was )?not found\b/i, // .ci, .im, puntCAT
  /^"?[a-z0-9.-]+\.[a-z]{2,}"?\s+(?:was )?not found\b/i, // IIS `"x.se" not found.`
  /^(?:the )?(?:queried |requested )?(?:domain(?: name)?|object|entry|record|name)?\s*(?:"[^"]*"|\S+\.\S+)?\s*does not exist\b/i, // .bg `Domain name x does not exist in database!`
  /^(?:domain )?(?:"[^"]*"|\S+\.\S+) is available for (?:purchase|registration)\b/i, // .tm
  /^no (?:data|entries|objects?|results?|match(?:es)?) (?:was |were )?found\b/i,
  /^(?:domain )?(?:"[^"]*"|\S+\.\S+) is (?:free|available)\.?$/i,
  // Spanish, Portuguese, French, Italian, German, Dutch, Polish, Czech/Slovak, Turkish,
  // Scandinavian, Finnish, Russian, Japanese, Korean, Chinese. Status lines only (short), and
  // the classifier still refuses a reply that carries dates or name servers.
  /\b(?:no existe|no se encontr[oó]|no est[aá] registrado|no registrado|no hay registros|sin resultados)\b/i,
  /\b(?:n[aã]o (?:existe|encontrad[oa]|registrad[oa]|est[aá] registrad[oa])|nenhum resultado)\b/i,
  /(?:n['’]existe pas|\bnon trouv[ée]|\baucun(?:e)? (?:r[ée]sultat|correspondance|enregistrement|objet)|\bpas de correspondance|\bintrouvable|n['’]est pas enregistr)/i,
  /\b(?:non (?:esiste|trovat[oa]|registrat[oa])|nessun (?:risultato|dato|oggetto))\b/i,
  /\b(?:nicht gefunden|nicht registriert|keine (?:daten|eintr(?:ä|ae)ge|treffer)|nicht vergeben)\b/i,
  /\b(?:niet gevonden|niet geregistreerd|geen (?:gegevens|resultaten|treffers))\b/i,
  /\b(?:nie istnieje|nie znaleziono|brak danych|nie jest zarejestrowan)/i,
  /\b(?:neexistuje|nenalezen|nebyl[ao]? nalezen|nie je (?:za)?registrovan|nen[aá]jden|nebola n[aá]jden)/i,
  /(?:bulunamad|kay[iı]t bulunamad|mevcut de[gğ]il|kay[iı]tl[iı] de[gğ]il)/i,
  /\b(?:finns inte|hittades inte|ikke (?:registreret|registrert|fundet|funnet)|ei l[oö]ytynyt|ei rekister)/i,
  /(?:не найден|нет данных|не зарегистрирован)/i,
  /(?:該当するデータがありません|登録されていません|見つかりません|등록되어 있지 않습니다|존재하지 않습니다|검색결과가 없습니다|没有找到|未找到|未注册|未被注册|無此|查無|沒有找到|无匹配)/,
];

/**
 * Whether a WHOIS reply says the domain is not registered (`No match for "X".`, `NOT FOUND`,
 * `Status: free`, `... is available for registration`). Check for throttling first: AFNIC
 * appends "No entries found" to its rate-limit refusal.
 */
export function detectWhoisNotFound(raw: string): boolean {
  return anyLine(raw, NOT_FOUND_PATTERNS);
}

/** Fields every reply may carry, record or not: the domain echo, query and database banners. */
const NON_DATA_LABEL =
  /^(?:>+ ?)?(?:last update|whois lookup|lookup made|query time|timestamp|terms of use|terms|notice|disclaimer|copyright|note|remarks?|for more information|more information|url|web|website|visit|source|version|server|whois server|swhoisd|query)\b/;

/**
 * The structural "not registered" signal: the reply has text but no record in it. No
 * labelled field besides the domain echo and banners (a registered reply always has a status,
 * a date, a holder or a server under some label, in whatever language), where a field is a
 * short `label: value` line: prose wrapped at a colon (`...by the following terms of use:
 * You agree`) has a long label and is not counted.
 */
export function detectWhoisEmptyRecord(domain: string, raw: string): boolean {
  if (raw.trim() === '') return false;
  const apex = domain.toLowerCase().replace(/\.$/, '');
  const fields = extractWhoisFields(raw);
  return fields.every((field) => {
    const value = (field.values[0] ?? '').trim().toLowerCase().replace(/\.$/, '');
    if (isDomainLabel(field.key)) return value === '' || value === apex;
    if (NON_DATA_LABEL.test(field.key)) return true;
    // Prose wrapped at a colon, not a label.
    return field.key.split(' ').length > 4;
  });
}
