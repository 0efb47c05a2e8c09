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
  'expire date',
  'paid-till', // RIPN
  'paid till',
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

/**
 * Second-tier matchers: word stems a label holds, across the languages registries write their
 * labels in, for labels the exact lists above do not name. Labels reach them normalised
 * (lowercase, accents stripped, `(s)`-style parentheses and item numbers removed, see
 * `normalizeLabel`). Each is a stem a whole family of registries shares (`fecha de creacion`
 * at every Spanish-speaking NIC, `entry created` at JANET), never one reply's wording; a
 * label that also names an update, a transfer, a contact or a URL is not the fact.
 */
const CREATED_WORDS =
  /\b(?:creat(?:ed|ion|e)|registered|registration|commencement|activat(?:ed|ion)|fecha de (?:creacion|registro|alta)|creado|creacion|alta|data de (?:criacao|registo|registro|cadastro)|criad[oa]|criacao|date de (?:creation|creacion|enregistrement)|cree|enregistre|data (?:di )?(?:creazione|registrazione)|creazione|registrazione|erstellt|angelegt|registriert|registrierungsdatum|eingetragen|geregistreerd|registratiedatum|datum (?:registratie|registrace|vytvoreni)|registrace|vytvoren[oa]?|data (?:rejestracji|utworzenia)|utworzon[oay]|olusturma|olusturulma|kayit tarihi|oprettet|opprettet|registrert|registrerad|registreret|skapad|rekisteroity|luotu|zhuce (?:shijian|riqi))\b|(?:登録年月日|登録日|作成日|등록일|注册(?:时间|日期)|註冊(?:日期|時間)|创建(?:时间|日期))/;
const CREATED_NOT =
  /\b(?:updat|modif|chang|transfer|expir|renew|trademark|applied|last|paid|valid|vencimiento|scadenza|ablauf|aktualis|actualiz|atualiz|mise a jour|ultima|ultimo|ostatni|zmian|guncel|status|estado|estatus|registrar|registrant|registrador|by|for|por|contact|holder|owner|agent|name|server|period|expire|ok)\b/;

const EXPIRES_WORDS =
  /(?:\bexpir|\bexpiry|\bpaid[- ]?till|\bvalid (?:until|till|to)|\bvalidity|\brenewal|\brenew date|\bvencimiento|\bvence|\bexpiracion|\bcaducidad|\bexpiracao|\bvalidade|\bvencimento|\bexpiration|\becheance|\bscadenza|\bablauf|\bgultig bis|\bbezahlt bis|\bverloop|\bvervaldatum|\bverval|\bplatnost|\bexpirace|\bwygasniecia|\bwygasa|\bbitis tarihi|\bsona erme|\butlop|\budlob|\bforfaller|\bgiltig till|\bvoimassa|\beraantyy|\bexp date\b|\bvalid(?:ity)? date\b|\bdaoqi|有効期限|만료일|종료일|到期(?:时间|日期|時間)|过期时间|過期|有效期)/;
const EXPIRES_NOT = /\b(?:updat|modif|chang|last|creat|registered on|trademark|contact|notice|ultima|ostatni)\b/;

const REGISTRAR_WORDS =
  /^(?:(?:sponsoring |current |domain )?registrar|registrador|registrado por|agente registrador|entidade registradora|prestataire|bureau d enregistrement|registrar de|rejestrator|registrator|registrar firma|kayit kurulusu|kayit eden|registrar organi[sz]ation|registrar company)\b|^(?:注册商|註冊商|등록대행자|登録業者|レジストラ)/;
const REGISTRAR_NOT =
  /\b(?:url|www|web|website|whois|iana|id|handle|abuse|e ?mail|correo|phone|tel|telephone|telefono|fax|country|pais|address|direccion|street|city|contact|contacto|status|server|ip|date|fecha|data|expir|number|code|postal|lock|registration|created|creado)\b/;

const NAMESERVER_WORDS =
  /\b(?:name ?servers?|nservers?|ns|dns|dns servers?|servers?|hostnames?|host names?|server hostname|servidor(?:es)? (?:de nombres?|dns|de nomes)|servidores|serveurs? (?:de noms|dns)|serveur|server dns|naamservers?|nameserver|serwery (?:dns|nazw)|jmenne servery|dns servery|alan adi sunuculari|isim sunuculari|navneservere?|navnetjenere?|namnservrar|nimipalvelimet)\b|(?:ネームサーバ|네임서버|호스트이름|域名服务器|域名伺服器|dns服务器|dns伺服器)/;
const NAMESERVER_NOT =
  /\b(?:ip|ipv4|ipv6|address|addresses|netaddress|addr|glue|status|registrar|whois|mx|contact|e ?mail|dnssec|ds|key|ttl|keys|url|web|time|date|timeout)\b/;

/** Whether the label's value is the registrar's name (outside a registrar block). */
export function isRegistrarLabel(key: string): boolean {
  return REGISTRAR_LABELS.has(key);
}

/** Second tier: a label that names the registrar in another wording or language. */
export function isRegistrarLabelLoose(key: string): boolean {
  return REGISTRAR_WORDS.test(key) && !REGISTRAR_NOT.test(key);
}

/** Whether a block header introduces the registrar (`Registrar:`). */
export function isRegistrarBlock(section: string | null): boolean {
  return (
    section !== null &&
    (REGISTRAR_BLOCKS.has(section) || (/^(?:registrar|registrador|prestataire|rejestrator)\b/.test(section) && /\b(?:information|info|details|data|datos|dados)$/.test(section)))
  );
}

/** Rank of a label inside a registrar block (lower is better), -1 when it names nothing. */
export function registrarBlockRank(key: string): number {
  return REGISTRAR_BLOCK_LABELS.indexOf(key);
}

/** Whether the label's value is the domain's creation date. */
export function isCreatedLabel(key: string): boolean {
  return CREATED_LABELS.has(key);
}

/** Second tier: a label naming the creation date in another wording or language. */
export function isCreatedLabelLoose(key: string): boolean {
  return CREATED_WORDS.test(key) && !CREATED_NOT.test(key);
}

/** Whether the label's value is the domain's expiry date. */
export function isExpiresLabel(key: string): boolean {
  return EXPIRES_LABELS.has(key);
}

/** Second tier: a label naming the expiry date in another wording or language. */
export function isExpiresLabelLoose(key: string): boolean {
  return EXPIRES_WORDS.test(key) && !EXPIRES_NOT.test(key);
}

/** Whether the label's value, or its block, lists name servers. */
export function isNameserverLabel(key: string): boolean {
  return NAMESERVER_LABEL.test(key);
}

/**
 * Second tier: a label naming name servers in another wording or language, numbered or not
 * (`NS 1`, `Domain server 2`, `Primary Server Hostname`).
 */
export function isNameserverLabelLoose(key: string): boolean {
  const bare = key.replace(/\s*\d+$/, '');
  return NAMESERVER_WORDS.test(bare) && !NAMESERVER_NOT.test(bare);
}

/** Labels whose value is the domain name itself (`Domain Name`, `Dominio`, `Query`). */
const DOMAIN_LABEL =
  /^(?:domain|domain name|domainname|complete domain name|domain information|nombre de dominio|dominio|nome de dominio|dominio nome|nom de domaine|domaine|domena|domeny|nazwa domeny|alan adi|domene|domaene|doman|verkkotunnus|query)$/;

/** Whether the label's value is the domain name (the record's own name). */
export function isDomainLabel(key: string): boolean {
  return DOMAIN_LABEL.test(key);
}

/** Whether a block header introduces a contact (registrant, admin, tech, billing). */
export function isContactBlock(section: string | null): boolean {
  return section !== null && (CONTACT_BLOCK.test(section) || LOOSE_CONTACT_BLOCK.test(section));
}

/** Contact block headers in other wordings and languages (`Contacto Administrativo`, `Titular`). */
const LOOSE_CONTACT_BLOCK =
  /^(?:(?:domain )?(?:registrant|holder|owners?|admin|administrative|tech|technical|billing|zone|abuse|managers?)(?: (?:contacts?|information|info|details|data|address|agent))*|domain owners? \/ registrant|registrant s address|(?:contacto|contato|titular|propietario|titulaire|titolare|inhaber|houder|abonnent|kontakt|contact|responsavel|entidade gestora)(?: [a-z/]+){0,4})$/;
