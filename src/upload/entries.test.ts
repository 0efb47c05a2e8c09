import { describe, expect, it } from 'vitest';
import { csvEntries, entriesOf, lines, MAX_LINE_CHARS, multipartEntries, ndjsonEntries, streamFormatOf, textEntries, UnreadableEntry } from './entries.js';

const bytes = (s: string) => new TextEncoder().encode(s);
/** The text cut into chunks of `n` bytes (cuts through lines and multi-byte characters). */
async function* chunked(s: string, n: number) {
  const all = bytes(s);
  for (let i = 0; i < all.length; i += n) yield all.slice(i, i + n);
}
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('streamFormatOf', () => {
  it('maps the streaming content types and leaves JSON alone', () => {
    expect(streamFormatOf('text/csv; charset=utf-8')).toBe('csv');
    expect(streamFormatOf('text/plain')).toBe('text');
    expect(streamFormatOf('application/x-ndjson')).toBe('ndjson');
    expect(streamFormatOf('multipart/form-data; boundary=x')).toBe('multipart');
    expect(streamFormatOf('application/json')).toBeNull();
    expect(streamFormatOf(undefined)).toBeNull();
  });
});

describe('lines', () => {
  it('splits on LF and CRLF across chunk cuts, drops a BOM and blank lines, keeps multi-byte characters whole', async () => {
    const text = '\ufeffmünchen.de\r\n\r\nexample.com\nlast.org';
    for (const n of [1, 2, 3, 7, 1000]) expect(await collect(lines(chunked(text, n)))).toEqual(['münchen.de', 'example.com', 'last.org']);
  });

  it('cuts an over-long line at MAX_LINE_CHARS and skips its rest, holding no more than that (a body with no newline)', async () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 3 + 17);
    async function* body() {
      yield bytes('a.com\n');
      for (let i = 0; i < long.length; i += 5000) yield bytes(long.slice(i, i + 5000));
      yield bytes('\nb.com\n');
      // the last line has no newline and never ends
      for (let i = 0; i < 50; i++) yield bytes('y'.repeat(10_000));
    }
    const out = await collect(lines(body()));
    expect(out.map((l) => l.length)).toEqual([5, MAX_LINE_CHARS, 5, MAX_LINE_CHARS]);
    expect(out[2]).toBe('b.com');
    // within one chunk too
    expect((await collect(lines(chunked(`${long}\nc.com`, 1_000_000)))).map((l) => l.length)).toEqual([MAX_LINE_CHARS, 5]);
  });
});

describe('textEntries', () => {
  it('one trimmed entry per line', async () => {
    expect(await collect(textEntries(chunked('  a.com \nhttps://www.b.com/x\n', 4)))).toEqual(['a.com', 'https://www.b.com/x']);
  });
});

describe('ndjsonEntries', () => {
  it('strings, objects by their domain/website/url/email field, and unreadable lines flagged', async () => {
    const text = ['"a.com"', '{"Website":"https://b.com"}', '{"email":"x@c.com","name":"C"}', '{"name":"no field"}', 'not json', '42'].join('\n');
    const out = await collect(ndjsonEntries(chunked(text, 5)));
    expect(out.slice(0, 3)).toEqual(['a.com', 'https://b.com', 'x@c.com']);
    expect(out[3]).toBeInstanceOf(UnreadableEntry);
    expect((out[3] as UnreadableEntry).error).toMatch(/no domain\/website\/url\/email field/);
    expect(out[4]).toBeInstanceOf(UnreadableEntry);
    expect((out[4] as UnreadableEntry).error).toMatch(/invalid_json/);
    expect(out[5]).toBe(42);
  });
});

describe('csvEntries', () => {
  it('takes the column named by the header (any case), quoted fields included', async () => {
    const csv = 'Company,Website,Country\r\nAcme,"https://acme.com/about",FR\r\n"Beta, Inc",beta.io,DE\r\nGamma,,US\r\n';
    expect(await collect(csvEntries(chunked(csv, 3)))).toEqual(['https://acme.com/about', 'beta.io']);
  });

  it('takes the first column when no header names one; the first row is data then', async () => {
    expect(await collect(csvEntries(chunked('a.com,1\nb.com,2\n', 2)))).toEqual(['a.com', 'b.com']);
  });

  it('fails (for the door to report) when the source fails midway', async () => {
    async function* broken() {
      yield bytes('domain\na.com\n');
      throw new Error('connection reset');
    }
    await expect(collect(csvEntries(broken()))).rejects.toThrow(/connection reset/);
  });
});

describe('multipartEntries', () => {
  it('reads the file field by its type or name', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob(['email\nx@a.com\ny@b.com\n'], { type: 'text/csv' }), 'leads.csv');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const type = request.headers.get('content-type')!;
    expect(await collect(multipartEntries(request.body as never, type))).toEqual(['x@a.com', 'y@b.com']);
    const plain = new FormData();
    plain.append('file', new Blob(['a.com\nb.com'], { type: 'text/plain' }), 'list.txt');
    const r2 = new Request('http://x/', { method: 'POST', body: plain });
    expect(await collect(entriesOf('multipart', r2.body as never, r2.headers.get('content-type')!))).toEqual(['a.com', 'b.com']);
  });

  it('fails when there is no file field', async () => {
    const form = new FormData();
    form.append('note', 'no file');
    const request = new Request('http://x/', { method: 'POST', body: form });
    await expect(collect(multipartEntries(request.body as never, request.headers.get('content-type')!))).rejects.toThrow(/no file field/);
  });
});

describe('csvEntries bound', () => {
  it('a record over MAX_LINE_CHARS is an error, not a string grown without end', async () => {
    await expect(collect(csvEntries(chunked(`domain\n"${'x'.repeat(MAX_LINE_CHARS + 10)}`, 4096)))).rejects.toThrow(/max_record_size|record/i);
  });
});
