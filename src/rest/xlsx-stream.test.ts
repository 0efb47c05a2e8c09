import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { escapeXml, sheetRowXml, xlsxStream } from './xlsx-stream.js';

async function* pagesOf<T>(pages: T[][]) {
  for (const page of pages) yield page;
}

const bytesOf = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());

describe('xlsx as a stream', () => {
  it('a zip with the SpreadsheetML parts; the sheet holds the header and every row in order', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({ domain: `d${i}.com`, score: i }));
    const pages = [rows.slice(0, 1000), rows.slice(1000, 2000), [], rows.slice(2000)];
    const bytes = await bytesOf(xlsxStream(['domain', 'score'], pagesOf(pages), (r) => [r.domain, r.score], 'Leads'));
    expect(strFromU8(bytes.slice(0, 2))).toBe('PK');
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    expect(strFromU8(files['xl/workbook.xml'])).toContain('<sheet name="Leads" sheetId="1" r:id="rId1"/>');
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']);
    expect(sheet.endsWith('</sheetData></worksheet>')).toBe(true);
    const rowXml = sheet.match(/<row>.*?<\/row>/g) ?? [];
    expect(rowXml).toHaveLength(2501);
    expect(rowXml[0]).toBe(sheetRowXml(['domain', 'score']));
    expect(rowXml[2500]).toBe('<row><c t="inlineStr"><is><t xml:space="preserve">d2499.com</t></is></c><c><v>2499</v></c></row>');
  });

  it('no rows: a valid file with the header only', async () => {
    const files = unzipSync(await bytesOf(xlsxStream(['a'], pagesOf<string>([]), (r) => [r])));
    expect(strFromU8(files['xl/worksheets/sheet1.xml'])).toMatch(/<sheetData><row><c t="inlineStr"><is><t xml:space="preserve">a<\/t><\/is><\/c><\/row><\/sheetData>/);
  });

  it('cells: numbers, booleans, empty; text escaped, characters XML cannot hold dropped, Excel\'s cell length kept', () => {
    expect(sheetRowXml([1.5, true, null, '', undefined, Number.NaN])).toBe('<row><c><v>1.5</v></c><c t="b"><v>1</v></c><c/><c/><c/><c/></row>');
    expect(escapeXml('a&b <c> "d"\u0000\u0007\tz\uD800')).toBe('a&amp;b &lt;c&gt; &quot;d&quot;\tz');
    expect(escapeXml('emoji \uD83D\uDE00 kept')).toBe('emoji \uD83D\uDE00 kept');
    expect(sheetRowXml(['x'.repeat(40_000)])).toContain(`>${'x'.repeat(32_767)}<`);
  });

  it('reads the pages only as the reader asks, and cancelling stops them', async () => {
    let served = 0;
    async function* endless() {
      for (;;) {
        served++;
        yield Array.from({ length: 500 }, (_, i) => `row ${served}-${i} ${'y'.repeat(50)}`);
      }
    }
    const reader = xlsxStream(['text'], endless(), (r) => [r]).getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    await reader.cancel();
    expect(served).toBeLessThan(50);
  });
});
