/**
 * An xlsx file (one sheet) written as a stream: the smallest SpreadsheetML package (content
 * types, relationships, workbook, sheet), zipped by fflate entry by entry, the sheet deflated
 * row page by row page as the pages arrive. Memory is one page and the deflate window, whatever
 * the row count (a library that builds the workbook whole held every lead of an export).
 * Strings are inline (`t="inlineStr"`): no shared-strings table to hold.
 */
import { Zip, ZipDeflate } from 'fflate';

export type XlsxCell = string | number | boolean | null | undefined;

/** Excel's limit of characters in a cell. */
const MAX_CELL_CHARS = 32_767;
/** Excel's limit of rows in a sheet (the header row included). */
export const MAX_XLSX_ROWS = 1_048_576;

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const STATIC_PARTS: [string, string][] = [
  [
    '[Content_Types].xml',
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
  ],
  ['_rels/.rels', `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  ['xl/_rels/workbook.xml.rels', `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`],
];

const workbookXml = (sheetName: string) =>
  `${XML_HEAD}<workbook xmlns="${NS}" xmlns:r="${DOC_REL}"><sheets><sheet name="${escapeXml(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

// characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F)
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data (attribute-safe too); characters XML cannot hold are dropped. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'));
}

/** One `<row>` of inline cells: numbers as numbers, booleans as booleans, empty cells left out. Pure. */
export function sheetRowXml(cells: readonly XlsxCell[]): string {
  let xml = '<row>';
  for (const value of cells) {
    if (value === null || value === undefined || value === '') xml += '<c/>';
    else if (typeof value === 'number') xml += Number.isFinite(value) ? `<c><v>${value}</v></c>` : '<c/>';
    else if (typeof value === 'boolean') xml += `<c t="b"><v>${value ? 1 : 0}</v></c>`;
    else xml += `<c t="inlineStr"><is><t xml:space="preserve">${escapeXml(value.slice(0, MAX_CELL_CHARS))}</t></is></c>`;
  }
  return `${xml}</row>`;
}

/**
 * The xlsx bytes of `header` and then every row of `pages`, read a page at a time as the
 * reader asks (back-pressure: a slow download reads the database no faster). Rows past Excel's
 * limit are not written.
 */
export function xlsxStream<T>(header: readonly string[], pages: AsyncIterable<T[]>, toCells: (item: T) => readonly XlsxCell[], sheetName = 'Sheet1'): ReadableStream<Uint8Array> {
  const iterator = pages[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let out: Uint8Array[] = [];
  let failed: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else out.push(chunk);
  });
  for (const [name, xml] of [...STATIC_PARTS, ['xl/workbook.xml', workbookXml(sheetName)] as [string, string]]) {
    const part = new ZipDeflate(name, { level: 6 });
    zip.add(part);
    part.push(encoder.encode(xml), true);
  }
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  sheet.push(encoder.encode(`${XML_HEAD}<worksheet xmlns="${NS}"><sheetData>${sheetRowXml(header)}`));
  let rows = 1;
  const flush = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (failed) throw failed;
    for (const chunk of out) controller.enqueue(chunk);
    out = [];
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // pages until something is ready to send (deflate holds small pushes back)
      while (out.length === 0) {
        // at Excel's row limit the rest is not read
        const next = rows >= MAX_XLSX_ROWS ? ((await iterator.return?.()) ?? { done: true as const, value: undefined }) : await iterator.next();
        if (next.done) {
          sheet.push(encoder.encode('</sheetData></worksheet>'), true);
          zip.end();
          flush(controller);
          controller.close();
          return;
        }
        let xml = '';
        for (const item of next.value) {
          if (rows >= MAX_XLSX_ROWS) break;
          xml += sheetRowXml(toCells(item));
          rows++;
        }
        sheet.push(encoder.encode(xml));
      }
      flush(controller);
    },
    async cancel() {
      zip.terminate();
      await iterator.return?.();
    },
  });
}
