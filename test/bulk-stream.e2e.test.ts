/**
 * Streaming bulk submission: CSV, plain text, NDJSON and a multipart file through POST
 * /scan/bulk; the job is visible while the upload runs (total growing); an upload that breaks
 * off leaves the job failed with `upload_incomplete` and counters that never move again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import type { Lead } from '../src/scan/scan.types.js';
import { UploadIncompleteError } from '../src/services/bulk-stream.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, get, startStack, uniquePrefix, waitFor, type Stack } from './helpers/stack.js';

const cases = generateCases(loadCorpus(), 700);
const domains = cases.map((c) => c.domain);

let sim: Simulator;
let stack: Stack;
const prefix = uniquePrefix('stream');

beforeAll(async () => {
  sim = await startSimulator({ cases });
  stack = await startStack(sim, prefix, { env: { SCOUT_CONCURRENCY: '20', SCOUT_CHUNK_SIZE: '25' } });
});
afterAll(async () => {
  if (stack) await cleanupPrefix(stack.runtime, prefix);
  await stack?.close();
  await sim?.close();
});

const status = async (id: string) => (await (await get(stack.app, `/scan/bulk/${id}`)).json()) as Record<string, any>;
const upload = (body: BodyInit, contentType?: string) =>
  stack.app.fetch(new Request('http://test/scan/bulk', { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} }));
const finished = (id: string) =>
  waitFor(async () => {
    const s = await status(id);
    return s.status !== 'pending' && s.status !== 'running' ? s : undefined;
  }, 30_000, 50);

describe('streaming bulk submission', () => {
  it('text/csv: the website column, normalised, exact dedupe, rejected entries counted; the job completes in submission order', async () => {
    const list = domains.slice(0, 120);
    const rows = ['Company,Website'];
    list.forEach((d, i) => rows.push(`C${i},https://www.${d}/contact`));
    for (let i = 0; i < 15; i++) rows.push(`dup${i},${list[i * 3]}`);
    for (let i = 0; i < 130; i++) rows.push(`bad${i},not a domain ${i}`);
    const r = await upload(rows.join('\r\n') + '\r\n', 'text/csv');
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, any>;
    expect(body).toMatchObject({ total: 120, duplicates: 15, rejected_count: 130 });
    // the first 100 rejected entries are listed, with their reasons
    expect(body.rejected).toHaveLength(100);
    expect(body.rejected[0]).toEqual({ input: 'not a domain 0', error: expect.stringMatching(/^invalid_domain/) });

    const done = await finished(body.job_id);
    expect(done).toMatchObject({ status: 'completed', total: 120, processed: 120 });
    const results = (await (await get(stack.app, `/scan/bulk/${body.job_id}/results`)).json()) as { results: Lead[] };
    const names = results.results.map((l) => l.domain);
    expect(names.length).toBe(done.succeeded);
    expect(names).toEqual(list.filter((d) => names.includes(d)));
  });

  it('text/plain, application/x-ndjson and a multipart file field', async () => {
    const plain = await upload(domains.slice(200, 230).join('\n'), 'text/plain');
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { total: number }).total).toBe(30);

    const nd = domains.slice(230, 250).map((d, i) => (i % 2 ? JSON.stringify(d) : JSON.stringify({ domain: d, note: i })));
    const ndjson = await upload([...nd, '{broken'].join('\n'), 'application/x-ndjson');
    expect(ndjson.status).toBe(200);
    expect(await ndjson.json()).toMatchObject({ total: 20, rejected_count: 1 });

    const form = new FormData();
    form.append('file', new Blob(['email\n' + domains.slice(250, 290).map((d) => `sales@${d}`).join('\n')], { type: 'text/csv' }), 'leads.csv');
    const multipart = await upload(form);
    expect(multipart.status).toBe(200);
    const started = (await multipart.json()) as { job_id: string; total: number };
    expect(started.total).toBe(40);
    expect((await finished(started.job_id)).processed).toBe(40);

    const empty = await upload('nan\nnot a domain\n', 'text/plain');
    expect(empty.status).toBe(422);
  });

  it('/openapi.json documents every body POST /scan/bulk reads; another type is a 422 naming them', async () => {
    const doc = (await (await get(stack.app, '/openapi.json')).json()) as { paths: Record<string, any>; components: { schemas: Record<string, any> } };
    const start = doc.paths['/scan/bulk'].post;
    expect(Object.keys(start.requestBody.content).sort()).toEqual(['application/json', 'application/x-ndjson', 'multipart/form-data', 'text/csv', 'text/plain']);
    expect(start.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(doc.components.schemas.BulkScanStarted.properties)).toContain('rejected_count');
    // another type: a 422 (as the old service answered a body it could not read) naming the types read
    const xml = await upload('<list><domain>a.com</domain></list>', 'application/xml');
    expect(xml.status).toBe(422);
    expect(JSON.stringify(await xml.json())).toMatch(/application\/xml is not read here: send application\/json .* text\/csv, text\/plain, application\/x-ndjson, multipart\/form-data/);
  });

  it('GraphQL startBulkScanUpload(file: File!) over a multipart request', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: 'mutation($f: File!) { startBulkScanUpload(file: $f) { total duplicates rejectedCount rejected { input error } job { id } } }', variables: { f: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    const csv = ['domain', ...domains.slice(600, 660), domains[600], 'nan'].join('\n');
    form.append('0', new Blob([csv], { type: 'text/csv' }), 'list.csv');
    const r = await stack.app.fetch(new Request('http://test/graphql', { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } }));
    const body = (await r.json()) as { data?: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.startBulkScanUpload).toMatchObject({ total: 60, duplicates: 1, rejectedCount: 1 });
    expect(body.data.startBulkScanUpload.rejected[0].input).toBe('nan');
    expect((await finished(body.data.startBulkScanUpload.job.id)).processed).toBe(60);
  });

  it('a GraphQL upload is read as a stream: its job runs while the file is still being sent', async () => {
    const firstPart = new Set(domains.slice(0, 50));
    const t0 = Date.now();
    const operations = JSON.stringify({ query: 'mutation($f: File!) { startBulkScanUpload(file: $f) { total job { id } } }', variables: { f: null } });
    const head =
      `--xB\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--xB\r\ncontent-disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n` +
      `--xB\r\ncontent-disposition: form-data; name="0"; filename="list.txt"\r\ncontent-type: text/plain\r\n\r\n`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(`${head}${domains.slice(0, 50).join('\n')}\n`));
        await gate;
        controller.enqueue(encoder.encode(`${domains.slice(50, 60).join('\n')}\r\n--xB--\r\n`));
        controller.close();
      },
    });
    const responding = stack.app.fetch(
      new Request('http://test/graphql', { method: 'POST', body, headers: { 'content-type': 'multipart/form-data; boundary=xB', 'x-graphql-yoga-csrf': '1' }, duplex: 'half' } as RequestInit),
    );
    // the first 50 entries are queued (in units of SCOUT_CHUNK_SIZE 25) and scanned while the rest
    // of the body does not exist yet: the simulator sees their queries
    await waitFor(async () => sim.log().some((e) => e.t >= t0 && firstPart.has(e.name.toLowerCase().replace(/\.$/, ''))), 10_000, 20);
    release();
    const r = await responding;
    const answer = (await r.json()) as { data?: any; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data.startBulkScanUpload.total).toBe(60);
    expect((await finished(answer.data.startBulkScanUpload.job.id)).processed).toBe(60);
  });

  it('a malformed GraphQL multipart request is a 400 naming what is wrong', async () => {
    const ops = JSON.stringify({ query: 'mutation($f: File!) { startBulkScanUpload(file: $f) { total } }', variables: { f: null } });
    const send = async (parts: [string, string | Blob, string?][]) => {
      const form = new FormData();
      for (const [name, value, filename] of parts) {
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, filename);
      }
      const r = await stack.app.fetch(new Request('http://test/graphql', { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } }));
      return { status: r.status, message: (((await r.json()) as { errors?: { message: string }[] }).errors ?? []).map((e) => e.message).join('; ') };
    };
    const file = new Blob([domains[0]], { type: 'text/plain' });
    expect(await send([['map', '{"0":["variables.f"]}'], ['0', file, 'a.txt']])).toMatchObject({ status: 400, message: expect.stringMatching(/"operations" and "map" must come before the file/) });
    expect(await send([['operations', '{nope'], ['map', '{}'], ['0', file, 'a.txt']])).toMatchObject({ status: 400, message: expect.stringMatching(/"operations" field is not JSON/) });
    expect(await send([['operations', ops], ['map', '{"0":["variables.g"]}'], ['0', file, 'a.txt']])).toMatchObject({ status: 400, message: expect.stringMatching(/map path "variables.g"/) });
    expect(await send([['operations', ops], ['map', '{"0":["variables.f"],"1":["variables.f"]}'], ['0', file, 'a.txt']])).toMatchObject({ status: 400, message: expect.stringMatching(/one file per request/) });
    expect(await send([['operations', ops], ['map', '{"0":["variables.f"]}']])).toMatchObject({ status: 400, message: expect.stringMatching(/no file part/) });
  });

  it('a GraphQL upload may be larger than the 2 MB body cap and than yoga\'s own 25 MB (multipart to /graphql is streamed, bounded by entries)', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: 'mutation($f: File!) { startBulkScanUpload(file: $f) { total rejectedCount } }', variables: { f: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    // ~3 MB: 5 domains and 200 000 entries that are not domains (rejected, nothing queued), then
    // 26 MB of blank lines (skipped), and one more domain at the very end
    const text = [...domains.slice(680, 685), ...Array.from({ length: 200_000 }, (_, i) => `not a domain ${i}`)].join('\n') + '\n'.repeat(26_000_000) + domains[685];
    expect(text.length).toBeGreaterThan(25_000_000 + 2 * 1024 * 1024);
    form.append('0', new Blob([text], { type: 'text/plain' }), 'list.txt');
    const r = await stack.app.fetch(new Request('http://test/graphql', { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } }));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data?: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.startBulkScanUpload).toEqual({ total: 6, rejectedCount: 200_000 });
  });

  it('a job cancelled while it uploads stops reading the upload and stays cancelled', async () => {
    let id = '';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let yieldedAfterCancel = 0;
    async function* entries() {
      for (const d of domains.slice(660, 680)) yield d;
      await gate;
      for (let i = 0; i < 100_000; i++) {
        yieldedAfterCancel++;
        yield `never-${i}.com`;
      }
    }
    const running = stack.runtime.services.bulk.startStream(entries(), null, undefined, (jobId) => (id = jobId));
    await waitFor(async () => id && (await status(id)).total === 20, 10_000, 20);
    await stack.runtime.services.bulk.cancel(id, 'system');
    release();
    const result = await running;
    expect(result.job.status).toBe('cancelled');
    expect(yieldedAfterCancel).toBeLessThan(100_000);
    expect((await status(id)).status).toBe('cancelled');
  });

  it('the job is visible while the upload runs; an upload cut midway ends it failed (upload_incomplete), counters frozen', async () => {
    let id = '';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* entries() {
      for (const d of domains.slice(300, 500)) yield d;
      await gate;
      for (const d of domains.slice(500, 600)) yield d;
      throw new Error('client went away');
    }
    const running = stack.runtime.services.bulk.startStream(entries(), null, undefined, (jobId) => (id = jobId));
    running.catch(() => {});
    await waitFor(async () => id && (await status(id)).total === 200, 10_000, 20);
    const mid = await status(id);
    expect(['pending', 'running']).toContain(mid.status);
    release();
    await expect(running).rejects.toBeInstanceOf(UploadIncompleteError);

    const failed = await status(id);
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('upload_incomplete');
    // what was appended before the cut, no more (the entries still in the API's batch are dropped)
    expect(failed.total).toBeGreaterThanOrEqual(200);
    expect(failed.total).toBeLessThanOrEqual(300);
    expect(failed.processed).toBeLessThanOrEqual(failed.total);
    await new Promise((r) => setTimeout(r, 1000));
    const later = await status(id);
    expect(later.processed).toBe(failed.processed);
    expect(later.total).toBe(failed.total);
    expect(later.succeeded + later.failed).toBe(later.processed);
  });
});

describe('streamed uploads are bounded by entries of every kind', () => {
  it('repeats and rejected lines count towards 4 x SCOUT_MAX_BULK_STREAM entries: an endless body of them is refused', async () => {
    const smallPrefix = uniquePrefix('stream-cap');
    const small = await startStack(sim, smallPrefix, { worker: false, env: { SCOUT_MAX_BULK_STREAM: '10' } });
    try {
      // 3 distinct domains (under the 10 allowed), then 50 repeats and junk lines: 53 entries > 40
      const body = [domains[0], domains[1], domains[2], ...Array.from({ length: 25 }, () => domains[0]), ...Array.from({ length: 25 }, (_, i) => `junk ${i}`)].join('\n');
      const r = await small.app.fetch(new Request('http://test/scan/bulk', { method: 'POST', body, headers: { 'content-type': 'text/plain' } }));
      expect(r.status).toBe(422);
      expect(JSON.stringify(await r.json())).toMatch(/more than 40 entries/);
      // 40 entries with repeats are still taken
      const ok = await small.app.fetch(new Request('http://test/scan/bulk', { method: 'POST', body: Array.from({ length: 40 }, (_, i) => domains[i % 5]).join('\n'), headers: { 'content-type': 'text/plain' } }));
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { total: number }).total).toBe(5);
    } finally {
      await cleanupPrefix(small.runtime, smallPrefix);
      await small.close();
    }
  });
});
