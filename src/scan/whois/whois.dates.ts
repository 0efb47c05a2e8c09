/**
 * Dates as WHOIS registries write them, read to the ISO calendar date `YYYY-MM-DD` that the
 * reply states. No time zone arithmetic on purpose: `2010-01-05T23:00:00-0700` is the 5th,
 * because that is the date the registry wrote, and shifting it would make the same record
 * read differently from different sources.
 */

/** How to read an all-numeric `01/03/2022`: month first (`mdy`, .tk) or day first (`dmy`). */
export type SlashDateOrder = 'mdy' | 'dmy';

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

/** Month number of an English month name or its abbreviation (`Jun`, `June`, `Sept`), else null. */
function monthFromName(name: string): number | null {
  const lower = name.toLowerCase();
  if (lower.length < 3) return null;
  const index = MONTH_NAMES.findIndex((full) => full.startsWith(lower));
  return index === -1 ? null : index + 1;
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
  // 13-Nov-2007 (Nominet, EDUCAUSE), 31 May 1999 (SWITCH), 5th June 2019.
  (value) => {
    const m = /(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[-\s/.]+([a-z]{3,9})\.?[-\s/.,]+(\d{4})(?!\d)/i.exec(value);
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
  // 30.6.2006 (Traficom), 11-07-2017 (HKIRC) are day first; 12/18/2001 (.tk) is month first.
  (value, order) => {
    const m = /(?<!\d)(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?!\d)/.exec(value);
    if (!m) return null;
    const [first, second, year] = [+m[1], +m[3], +m[4]];
    const dayFirst = m[2] !== '/' || first > 12 || (order === 'dmy' && second <= 12);
    return dayFirst ? toIsoDate(year, second, first) : toIsoDate(year, first, second);
  },
  // 19961206 #24302 (registro.br), 20221101 00:10:24 (nic.at).
  (value) => {
    const m = /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(value);
    return m ? toIsoDate(+m[1], +m[2], +m[3]) : null;
  },
];

/**
 * Reads the calendar date written in a WHOIS date value, as `YYYY-MM-DD`.
 *
 * @param value the value as the registry wrote it (`2016-Jun-14.`, `13-Nov-2007`, `30.6.2006`).
 * @param order how to read an ambiguous `01/03/2022`; default month first, the only slash
 *   convention seen in registry output (.tk).
 * @returns null when the value holds no date, or only a bound (`before 1 January 1996`).
 */
export function parseWhoisDate(value: string, order: SlashDateOrder = 'mdy'): string | null {
  const trimmed = value.trim();
  // SWITCH writes `before 1 January 1996` for pre-registry domains: a bound, not the date.
  if (/^(?:before|after|prior to|until)\b/i.test(trimmed)) return null;
  for (const read of READERS) {
    const date = read(trimmed, order);
    if (date) return date;
  }
  return null;
}

/** The slash order a reply declares in its header (AFNIC: `complete date format : DD/MM/YYYY`). */
export function declaredSlashOrder(raw: string): SlashDateOrder {
  return /\bDD\/MM\/YYYY\b/i.test(raw) ? 'dmy' : 'mdy';
}
