/**
 * Turns a raw WHOIS reply into labelled fields, whatever the registry's layout: `key: value`
 * lines, dotted labels (`Created on......: x`), tab separated labels (SWITCH), JPRS bracket
 * labels (`[Created on]  x`), sentence labels (`Record created on x`) and indented blocks whose
 * values sit on the lines under their label (Nominet, SIDN, EURid, TRABIS, NASK).
 *
 * Which label means what is `whois.labels.ts`'s business; the tokenizer asks it once, for
 * HKIRC's detached name server block.
 */
import {
  isCreatedLabel,
  isCreatedLabelLoose,
  isDomainLabel,
  isExpiresLabel,
  isExpiresLabelLoose,
  isNameserverLabel,
  isNameserverLabelLoose,
  isRegistrarLabel,
  isRegistrarLabelLoose,
} from './whois.labels.js';

/** One labelled value block of a WHOIS reply. */
export interface WhoisField {
  /** Normalised label: lowercase, single spaces, no decoration (`created on`, `name server`). */
  key: string;
  /** The value on the label's own line (if any), then the unlabelled lines under it. */
  values: string[];
  /** Normalised label of the enclosing block (`registrar`, `registrant`), null at top level. */
  section: string | null;
  /** Index of the blank-line separated paragraph the label is in. */
  paragraph: number;
}

interface LabelledLine {
  label: string;
  value: string;
}

/**
 * Block headers written without a colon. Kept to a closed list: a bare line of words is far more
 * often a value (`IONOS SE` under `Registrar:`) than a header.
 */
const BARE_HEADER =
  /^(?:registrar|registrant|holder|tech|(?:domain )?name ?servers?|nameservers|domain nameservers|nameservers? in listed order|(?:primary|secondary) name server|dnssec|(?:administrative|admin|technical|billing|owner|tech) contacts?|administrative contact\/agent|organization using domain name|domain information|contact information|status information)$/;

/**
 * Generic block headers: a few words ending in a word that names a block, in the languages
 * registries use (`Registrar Information`, `Domain Details`, `Billing Contact`, `Datos del
 * Titular`). Still no colon, still a closed set of final words.
 */
const BARE_HEADER_GENERIC =
  /^[a-z][a-z' /&-]{0,40}\b(?:information|info|details|contacts?|registrant|registrants|owners?|managers?|holders?|informacion|datos|dados|informations|informazioni|angaben|gegevens|kontakt|contacto|contato|titular)$/;

/** Lines that carry no data: registry comments, JPRS banners, rulers. */
function isNoise(trimmed: string): boolean {
  return (
    trimmed.startsWith('%') ||
    trimmed.startsWith('#') ||
    /^\[\s.*\]$/.test(trimmed) ||
    /^[-=_*~+.\s]+$/.test(trimmed)
  );
}

const HOSTNAME = /^(?:[a-z0-9-]+\.)+[a-z0-9-]+\.?$/i;

const MAX_LINE = 1000;

/** Lowercases a label and strips the decoration registries put around it. */
export function normalizeLabel(label: string): string {
  // A loop, not /[\s.:]+$/: that regex is quadratic on a long run of blanks.
  let end = label.length;
  while (end > 0 && /[\s.:]/.test(label[end - 1])) end -= 1;
  return (
    label
      .slice(0, end)
      .toLowerCase()
      // Latin accents off (`Fecha de Creación`, `Data de criação`), so the dictionary is ASCII;
      // only combining diacritics go, so kana and hangul recompose as they were.
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
      .replace(/^[\s*>-]+/, '')
      // Item numbers of form-like replies: `1a. Domain Name`, `a. [Domain Name]`.
      .replace(/^(?:\d{1,2}[a-z]?|[a-z])\.\s+/, '')
      // Parenthesised asides: `Servidor(es)`, `Name (Last, First)`, `NIC Handle (if known)`.
      .replace(/\s*\([^)]*\)\s*/g, ' ')
      // `registrar-name`, `Valid-date`, `dns_name`: word separators, like blanks.
      .replace(/(?<=\p{L})-(?=\p{L})/gu, ' ')
      .replace(/[_\s]+/g, ' ')
      .replace(/'/g, ' ')
      .trim()
  );
}

/** Whether a label is one the dictionary knows (it names a fact or the domain). */
function isKnownLabel(key: string): boolean {
  return (
    isDomainLabel(key) ||
    isRegistrarLabel(key) ||
    isRegistrarLabelLoose(key) ||
    isCreatedLabel(key) ||
    isCreatedLabelLoose(key) ||
    isExpiresLabel(key) ||
    isExpiresLabelLoose(key) ||
    isNameserverLabel(key) ||
    isNameserverLabelLoose(key)
  );
}

/** Whether a candidate label looks like a label and not a sentence, a hostname or a URL. */
function isPlausibleLabel(normalized: string): boolean {
  return (
    normalized.length > 0 &&
    normalized.length <= 60 &&
    /^\p{L}/u.test(normalized) &&
    !HOSTNAME.test(normalized) &&
    !normalized.includes('://')
  );
}

function labelled(label: string, value: string): LabelledLine | null {
  const key = normalizeLabel(label);
  return isPlausibleLabel(key) ? { label: key, value: value.trim() } : null;
}

/** Splits one trimmed line into label and value, or null when it is a bare value. */
function splitLabelledLine(trimmed: string): LabelledLine | null {
  // JPRS: `[Created on]  2001/05/14`, also with an item letter: `a. [Domain Name]  GOOGLE.CO.JP`.
  // MYNIC writes the item letter without the dot: `s [Record Created]  03-oct-1999`.
  const bracket = /^(?:[a-z]\.?\s+|[a-z]\.)?\[([^\]]+)\]\s*(.*)$/.exec(trimmed);
  if (bracket) return labelled(bracket[1], bracket[2]);

  // The first colon followed by a blank or the end: `http://` and `12:30:05` stay inside values.
  const colon = /^([^:]+?):(?:\s+(.*))?$/.exec(trimmed);
  if (colon) {
    const line = labelled(colon[1], colon[2] ?? '');
    if (line) return line;
  }

  // No blank after the colon (the Afilias-GRS family: `Created On:26-Mar-2002`). The label
  // must still look like one, and a URL's `://` is never a separator.
  // Nor is a colon inside a time (`created on 2018-02-05 22:59`) or an IPv6 address after a
  // host name (`ns2.switch.ch<TAB>2001:620::2f`).
  const tight = /^([^:]+?)\s*:(?!\/\/)(\S.*)$/.exec(trimmed);
  if (tight && !/\d[-./\s]\d|\d{3}|[a-z0-9-]\.[a-z]|@|\t/i.test(tight[1])) {
    const line = labelled(tight[1], tight[2]);
    if (line) return line;
  }

  // SWITCH (.ch, .li): `First registration date<TAB>31 May 1999`.
  const tab = /^([^\t]+?)\t+(.+)$/.exec(trimmed);
  if (tab) {
    const line = labelled(tab[1], tab[2]);
    if (line) return line;
  }

  // Column layouts without a separator (`Created        2001-05-14`): two or more blanks after
  // a label the dictionary knows. Only known labels: a bare `Google Inc   mail@x` is a value.
  const columns = /^(\S.{0,50}?)(?:\t|\s{2,})(\S.*)$/.exec(trimmed);
  if (columns) {
    const key = normalizeLabel(columns[1]);
    if (isPlausibleLabel(key) && isKnownLabel(key)) return { label: key, value: columns[2].trim() };
  }

  // TWNIC, MONIC: `Record created on 2008-05-23 (YYYY-MM-DD)`.
  // CoCCA/KG: `Record expires on Thu Mar 12 23:59:00 2015` (a weekday or month first).
  const sentence = /^(.{0,40}?\b(?:created|expires?|expired|registered|activated|updated|changed) on)\s+((?:[a-z]{3,9},?\s+)?\d.*|[a-z]{3,9},?\s+[a-z]{3,9}\.?\s+\d.*)$/i.exec(
    trimmed,
  );
  if (sentence) return labelled(sentence[1], sentence[2]);

  return null;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Splits a raw reply into fields, in reply order. A field's `values` hold the value on its own
 * line and the unlabelled lines that follow it; `section` is the block header above it.
 */
export function extractWhoisFields(raw: string): WhoisField[] {
  const fields: WhoisField[] = [];
  let current: WhoisField | null = null;
  let section: { key: string; bodyIndent: number | null } | null = null;
  let paragraph = 0;

  for (const line of raw.replace(/^\uFEFF/, '').split(/\r?\n|\r/)) {
    const trimmed = line.trim();
    if (trimmed === '') {
      // A blank line closes the block in every layout seen: Nominet, SIDN, EURid, RIPE-like.
      // Except right under a name server label: HKIRC, NIC-Uruguay and .WS put one between
      // `Name Servers Information:` and its values. Only there: under other labels, what
      // follows a blank line is too often the terms of use.
      const nsLabel = current && (isNameserverLabel(current.key) || isNameserverLabelLoose(current.key));
      if (!(current && current.values.length === 0 && nsLabel)) current = null;
      section = null;
      paragraph += 1;
      continue;
    }
    // No data line is this long; such lines are terms of use written as one paragraph, and
    // skipping them bounds the regex work a hostile reply can cause.
    if (isNoise(trimmed) || trimmed.length > MAX_LINE) continue;

    const indent = indentOf(line);
    if (section) {
      if (section.bodyIndent === null) section.bodyIndent = indent;
      // An outdent ends an indented block (TWNIC writes dates after its contact blocks
      // without a blank line in between).
      if (indent < section.bodyIndent) section = null;
    }

    const bareLabel = trimmed.length <= 60 ? normalizeLabel(trimmed) : '';
    const bareHeader =
      BARE_HEADER.test(bareLabel) || (!trimmed.includes(':') && BARE_HEADER_GENERIC.test(bareLabel)) ? bareLabel : null;
    const split = bareHeader ? { label: bareHeader, value: '' } : splitLabelledLine(trimmed);

    if (!split) {
      if (current) current.values.push(trimmed);
      continue;
    }

    const field: WhoisField = {
      key: split.label,
      values: split.value ? [split.value] : [],
      section: section?.key ?? null,
      paragraph,
    };
    fields.push(field);
    current = field;
    if (!split.value) {
      // A label without a value opens a block: its values, or its labelled lines, follow.
      section = { key: split.label, bodyIndent: null };
    }
  }
  return fields;
}
