/**
 * Dates as WHOIS registries write them, read to the ISO calendar date `YYYY-MM-DD` that the
 * reply states. No time zone arithmetic on purpose: `2010-01-05T23:00:00-0700` is the 5th,
 * because that is the date the registry wrote, and shifting it would make the same record
 * read differently from different sources.
 */

/**
 * How to read an all-numeric `01/03/2022`: month first (`mdy`, .tk, .us), day first (`dmy`,
 * most of the world), or `unknown`: then only a value that cannot be read both ways is read.
 */
export type SlashDateOrder = 'mdy' | 'dmy' | 'unknown';

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * Month names in the other languages registries write dates in (accents stripped), month
 * number at the index: Spanish, Portuguese, French, Italian, German, Dutch, Polish (genitive),
 * Czech/Slovak, Turkish, Scandinavian. Matched on a prefix of at least three letters that
 * is unique, as for the English names.
 */
const OTHER_MONTH_NAMES: readonly (readonly string[])[] = [
  ['enero', 'janeiro', 'janvier', 'gennaio', 'januar', 'januari', 'stycznia', 'styczen', 'ledna', 'leden', 'ocak', 'tammikuu'],
  ['febrero', 'fevereiro', 'fevrier', 'febbraio', 'februar', 'februari', 'lutego', 'luty', 'unora', 'unor', 'subat', 'helmikuu'],
  ['marzo', 'marco', 'mars', 'marz', 'maart', 'marca', 'marzec', 'brezna', 'brezen', 'mart', 'maaliskuu'],
  ['abril', 'avril', 'aprile', 'kwietnia', 'kwiecien', 'dubna', 'duben', 'nisan', 'huhtikuu'],
  ['mayo', 'maio', 'mai', 'maggio', 'mei', 'maja', 'maj', 'kvetna', 'kveten', 'mayis', 'toukokuu'],
  ['junio', 'junho', 'juin', 'giugno', 'juni', 'czerwca', 'czerwiec', 'cervna', 'cerven', 'haziran', 'kesakuu'],
  ['julio', 'julho', 'juillet', 'luglio', 'juli', 'lipca', 'lipiec', 'cervence', 'cervenec', 'temmuz', 'heinakuu'],
  ['agosto', 'aout', 'augustus', 'sierpnia', 'sierpien', 'srpna', 'srpen', 'agustos', 'elokuu'],
  ['septiembre', 'setiembre', 'setembro', 'septembre', 'settembre', 'wrzesnia', 'wrzesien', 'zari', 'eylul', 'syyskuu'],
  ['octubre', 'outubro', 'octobre', 'ottobre', 'oktober', 'pazdziernika', 'pazdziernik', 'rijna', 'rijen', 'ekim', 'lokakuu'],
  ['noviembre', 'novembro', 'novembre', 'listopada', 'listopad', 'kasim', 'marraskuu'],
  ['diciembre', 'dezembro', 'decembre', 'dicembre', 'dezember', 'grudnia', 'grudzien', 'prosince', 'prosinec', 'aralik', 'joulukuu'],
];

/** Month number of a month name or its abbreviation (`Jun`, `June`, `Sept`, `marzo`, `févr`), else null. */
function monthFromName(name: string): number | null {
  const lower = name
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\.$/, '');
  if (lower.length < 3) return null;
  const index = MONTH_NAMES.findIndex((full) => full.startsWith(lower));
  if (index !== -1) return index + 1;
  const hits = new Set<number>();
  for (const [i, names] of OTHER_MONTH_NAMES.entries()) {
    if (names.some((full) => full === lower || (lower.length >= 3 && full.startsWith(lower)))) hits.add(i + 1);
  }
  // `mar` could be March (mars, marzo) only; `mai`/`maj` May only; a prefix two months share
  // (Czech `cer` = June or July) is refused.
  return hits.size === 1 ? [...hits][0] : null;
}

function toIsoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Rejects 31 April and friends, which Date.UTC would roll over into the next month.
  if (date.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

type DateReader = (value: string, order: SlashDateOrder) => string | null;

/** The formats, most specific first; each returns the first date it finds in the value. */
const READERS: DateReader[] = [
  // 2031-01-05T10:00:00Z, 2002.09.19 13:00:00 (NASK), 2001/05/14 (JPRS), 2012. 05. 19. (KISA),
  // 2001-06-14-T10:32:43Z (Uniregistry).
  (value) => {
    const m = /(?<!\d)(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)/.exec(value);
    return m ? toIsoDate(+m[1], +m[3], +m[4]) : null;
  },
  // 2016-Jun-14. (TRABIS)
  (value) => {
    const m = /(?<!\d)(\d{4})[-\s/]([a-z]{3,9})[-\s/](\d{1,2})(?!\d)/i.exec(value);
    const month = m && monthFromName(m[2]);
    return m && month ? toIsoDate(+m[1], month, +m[3]) : null;
  },
  // 13-Nov-2007 (Nominet, EDUCAUSE), 31 May 1999 (SWITCH), Friday 7th November 2003 (JANET),
  // 26 de marzo de 2002, 26. März 2002, 26 févr. 2002.
  (value) => {
    const m =
      /(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º|\.)?(?:\s+de)?[-\s/.]+(\p{L}{3,12})\.?(?:\s+de)?[-\s/.,]+(\d{4})(?!\d)/iu.exec(value);
    const month = m && monthFromName(m[2]);
    return m && month ? toIsoDate(+m[3], month, +m[1]) : null;
  },
  // Tue Oct 09 2001, Oct 09 00:00:00 GMT 2001, October 9, 2001.
  (value) => {
    const m =
      /\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:\d{1,2}:\d{2}(?::\d{2})?\s+(?:[a-z]{2,5}\s+)?)?(\d{4})(?!\d)/i.exec(
        value,
      );
    const month = m && monthFromName(m[1]);
    return m && month ? toIsoDate(+m[3], month, +m[2]) : null;
  },
  // 30.6.2006 (Traficom), 11-07-2017 (HKIRC) are day first, as are slashes where the registry
  // writes them so; 12/18/2001 (.tk) is month first. An ambiguous slash date from a registry
  // whose order is not known is not read (null), never guessed.
  (value, order) => {
    const m = /(?<!\d)(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?!\d)/.exec(value);
    if (!m) return null;
    const [first, second, year] = [+m[1], +m[3], +m[4]];
    if (m[2] !== '/' || first > 12) return toIsoDate(year, second, first);
    if (second > 12) return toIsoDate(year, first, second);
    if (first === second) return toIsoDate(year, first, second);
    if (order === 'dmy') return toIsoDate(year, second, first);
    if (order === 'mdy') return toIsoDate(year, first, second);
    return null;
  },
  // 19961206 #24302 (registro.br), 20221101 00:10:24 (nic.at), 20131218000000 (UANIC).
  (value) => {
    const m = /^(\d{4})(\d{2})(\d{2})(?:\d{6})?(?!\d)/.exec(value);
    return m ? toIsoDate(+m[1], +m[2], +m[3]) : null;
  },
];

/**
 * Reads the calendar date written in a WHOIS date value, as `YYYY-MM-DD`.
 *
 * @param value the value as the registry wrote it (`2016-Jun-14.`, `13-Nov-2007`, `30.6.2006`).
 * @param order how to read an ambiguous `01/03/2022`; by default (`unknown`) it is not read.
 * @returns null when the value holds no date, or only a bound (`before 1 January 1996`).
 */
export function parseWhoisDate(value: string, order: SlashDateOrder = 'unknown'): string | null {
  const trimmed = value.trim();
  // SWITCH writes `before 1 January 1996` for pre-registry domains: a bound, not the date.
  if (/^(?:before|after|prior to|until)\b/i.test(trimmed)) return null;
  for (const read of READERS) {
    const date = read(trimmed, order);
    if (date) return date;
  }
  return null;
}

/**
 * Top-level domains whose registries write slash dates month first. Dot TK (Freenom, which
 * also ran .ml .ga .cf .gq), the US, and the US-run Pacific registries.
 */
const MONTH_FIRST_TLDS = new Set(['tk', 'ml', 'ga', 'cf', 'gq', 'us', 'as', 'fm', 'gu', 'mp', 'pr', 'vi', 'um', 'ph']);

/**
 * Top-level domains whose registries write slash dates day first: the country-code registries
 * of Europe, Latin America, Africa, the Middle East, South and South-East Asia and Oceania,
 * where day-month-year is the national convention. gTLDs and the rest are not listed: their
 * ambiguous dates are read only from the value.
 */
const DAY_FIRST_TLDS = new Set(
  (
    'ac ad ae af al am ao ar at au az ba bd be bf bg bh bi bj bn bo br by bw bz cd cg ch ci cl cm co cr cu cv cy cz ' +
    'de dj dk do dz ec ee eg es et eu fi fj fo fr gd ge gf gg gh gi gl gm gn gp gr gt gy hk hn hr ht hu id ie il im ' +
    'in iq ir is it je jo ke kg kh km kw kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mk ml mn mo mq mr ms mt ' +
    'mu mv mw mx my mz na nc ne ng ni nl no np nz om pa pe pf pk pl pm ps pt py qa re ro rs ru rw sa sb sc sd se sg ' +
    'si sk sl sm sn so sr st sv sy sz tc td tf tg th tj tl tm tn to tr tt tz ua ug uk uy uz va vc ve vg vn vu wf ws ' +
    'ye yt za zm zw su'
  ).split(' '),
);

/**
 * How a reply writes slash dates: as its header declares (AFNIC `DD/MM/YYYY`), else as the
 * domain's registry is known to write them, else `unknown`.
 */
export function declaredSlashOrder(raw: string, domain?: string): SlashDateOrder {
  if (/\bDD\/MM\/YYYY\b/i.test(raw)) return 'dmy';
  if (/\bMM\/DD\/YYYY\b/i.test(raw)) return 'mdy';
  const tld = (domain ?? '').toLowerCase().replace(/\.$/, '').split('.').pop() ?? '';
  if (MONTH_FIRST_TLDS.has(tld)) return 'mdy';
  if (DAY_FIRST_TLDS.has(tld)) return 'dmy';
  return 'unknown';
}
