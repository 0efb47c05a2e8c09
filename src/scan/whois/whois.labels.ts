/**
 * Which normalised WHOIS labels (see `normalizeLabel`) carry which registration fact. Exact
 * matches only: `Registrar WHOIS Server`, `Registrar URL` and `Registrar IANA ID` are not the
 * registrar, `Record maintained by` (SIDN, Dot TK) names the registry, not the registrar.
 */

/** Labels whose value is the registrar's name, wherever they appear. */
const REGISTRAR_LABELS = new Set([
  'registrar',
  'registrar name',
  'registrar organization',
  'registrar organisation',
  'sponsoring registrar',
  'sponsoring registrar organization',
  'registration service provider', // TWNIC
  'current registrar',
  'current registar', // KazNIC's spelling
  'authorized agency', // KISA
  'domain registrar', // nic.at
  'registrar of record',
]);

/**
 * Labels naming the registrar inside a `Registrar:` block, best first: EURid and .it write
 * `Name:`, TRABIS `Organization Name:`.
 */
const REGISTRAR_BLOCK_LABELS = [
  'name',
  'registrar name',
  'registrar',
  'organization name',
  'organisation name',
  'organization',
  'organisation',
  'org',
];

const REGISTRAR_BLOCKS = new Set(['registrar', 'registrar information', 'sponsoring registrar', 'registrar details']);

const CREATED_LABELS = new Set([
  'creation date',
  'created',
  'created on',
  'created date',
  'create date',
  'creation',
  'date created',
  'registered',
  'registered on',
  'registered date',
  'registration date',
  'registration time',
  'record created',
  'record created on',
  'domain created',
  'domain registered',
  'domain create date',
  'domain registration date',
  'domain record activated', // EDUCAUSE
  'domain name commencement date', // HKIRC
  'first registration date', // SWITCH
  'activated',
  'activation date',
]);

const EXPIRES_LABELS = new Set([
  'registry expiry date',
  'registrar registration expiration date',
  'expiry date',
  'expiration date',
  'expire date',
  'expires',
  'expires on',
  'expire',
  'expiry',
  'expiration',
  'expiration time',
  'expired',
  'expire-date', // IRNIC
  'paid-till', // RIPN
  'renewal date', // NASK
  'domain expires', // EDUCAUSE
  'domain expiration date',
  'record expires on',
  'record will expire on', // Dot TK
  'valid until',
  'validity',
]);

/** Labels whose value (or block) lists name servers. */
const NAMESERVER_LABEL =
  /^(?:name ?servers?|nservers?|ns|ns name \d+|name server \d+|nameserver \d+|dns|dns servers?|host ?name|domain (?:name ?)?servers?(?: in listed order)?|domain nameservers|name ?servers? information|name servers dns|(?:primary|secondary) server)$/;

/** Blocks about a contact, whose dates and names are the contact's, not the domain's. */
const CONTACT_BLOCK =
  /^(?:registrant|holder|owner|admin|administrative|tech|technical|billing|zone|abuse)(?: contacts?| contact\(s\)| contact information| contact\/agent)?$/;

/** Whether the label's value is the registrar's name (outside a registrar block). */
export function isRegistrarLabel(key: string): boolean {
  return REGISTRAR_LABELS.has(key);
}

/** Whether a block header introduces the registrar (`Registrar:`). */
export function isRegistrarBlock(section: string | null): boolean {
  return section !== null && REGISTRAR_BLOCKS.has(section);
}

/** Rank of a label inside a registrar block (lower is better), -1 when it names nothing. */
export function registrarBlockRank(key: string): number {
  return REGISTRAR_BLOCK_LABELS.indexOf(key);
}

/** Whether the label's value is the domain's creation date. */
export function isCreatedLabel(key: string): boolean {
  return CREATED_LABELS.has(key);
}

/** Whether the label's value is the domain's expiry date. */
export function isExpiresLabel(key: string): boolean {
  return EXPIRES_LABELS.has(key);
}

/** Whether the label's value, or its block, lists name servers. */
export function isNameserverLabel(key: string): boolean {
  return NAMESERVER_LABEL.test(key);
}

/** Whether a block header introduces a contact (registrant, admin, tech, billing). */
export function isContactBlock(section: string | null): boolean {
  return section !== null && CONTACT_BLOCK.test(section);
}
